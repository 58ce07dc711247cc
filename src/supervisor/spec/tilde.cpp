// Leading-tilde expansion with an injected password-database lookup.
#include "supervisor/spec/tilde.hpp"

namespace angel {

std::optional<std::string> expand_tilde(std::string_view path, const HomeLookup& homes) {
    if (path.empty() || path.front() != '~') return std::string(path);
    const std::string_view rest = path.substr(1);
    const std::size_t slash = rest.find('/');
    const std::string_view user = rest.substr(0, slash);
    std::optional<std::string> home = homes(user);
    if (!home) return std::nullopt;
    if (slash != std::string_view::npos) *home += rest.substr(slash);
    return home;
}

}  // namespace angel
