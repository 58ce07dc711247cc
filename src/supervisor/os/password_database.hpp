// The real password database: `~` and `~user` in config paths, and the user angel
// switches to (its ids for the switch and for the control socket's owner).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "supervisor/spec/build_specs.hpp"

namespace angel {

struct UserEntry {
    std::string name;
    std::string home;
    uid_t uid = 0;
    gid_t gid = 0;
};

/// The entry for `name` (getpwnam_r with a buffer that grows as needed), or nullopt.
std::optional<UserEntry> find_user(const std::string& name);

/// The password-database lookup (getpwnam_r / getpwuid_r(geteuid())).
HomeLookup password_database_homes();

}  // namespace angel
