// The one effectful piece of spec building: home directories from the password database.
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "supervisor/os/password_database.hpp"

namespace angel {
namespace {

/// Runs getpw*_r with a growing buffer; the entry's name and home, or nullopt.
template <typename Call>
std::optional<std::pair<std::string, std::string>> lookup(Call call) {
    std::vector<char> buffer(1024);
    while (true) {
        passwd entry{};
        passwd* found = nullptr;
        const int err = call(&entry, buffer.data(), buffer.size(), &found);
        if (err == ERANGE && buffer.size() < (1U << 20)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (err != 0 || found == nullptr) return std::nullopt;
        return std::make_pair(std::string(entry.pw_name), std::string(entry.pw_dir));
    }
}

std::optional<std::pair<std::string, std::string>> by_name(const std::string& name) {
    return lookup([&](passwd* entry, char* buf, std::size_t size, passwd** found) {
        return getpwnam_r(name.c_str(), entry, buf, size, found);
    });
}

}  // namespace

HomeLookup password_database_homes() {
    return [](std::string_view user) -> std::optional<std::string> {
        std::string name(user);
        if (name.empty()) {
            // The reference asks for the effective user's name, then looks that name up.
            const uid_t uid = geteuid();
            const auto self = lookup([&](passwd* entry, char* buf, std::size_t size,
                                         passwd** found) {
                return getpwuid_r(uid, entry, buf, size, found);
            });
            if (!self) return std::nullopt;
            name = self->first;
        }
        const auto entry = by_name(name);
        if (!entry) return std::nullopt;
        return entry->second;
    };
}

}  // namespace angel
