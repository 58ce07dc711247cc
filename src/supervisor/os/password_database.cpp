// The password database, read in one way for every caller: home directories for spec
// building, a user's ids for the user switch and the control socket.
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "supervisor/os/password_database.hpp"

namespace angel {
namespace {

/// Runs getpw*_r with a growing buffer; the entry, or nullopt.
template <typename Call>
std::optional<UserEntry> lookup(Call call) {
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
        return UserEntry{entry.pw_name, entry.pw_dir, entry.pw_uid, entry.pw_gid};
    }
}

}  // namespace

std::optional<UserEntry> find_user(const std::string& name) {
    return lookup([&](passwd* entry, char* buf, std::size_t size, passwd** found) {
        return getpwnam_r(name.c_str(), entry, buf, size, found);
    });
}

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
            name = self->name;
        }
        const auto entry = find_user(name);
        if (!entry) return std::nullopt;
        return entry->home;
    };
}

}  // namespace angel
