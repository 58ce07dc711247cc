// The real password database, for `~` and `~user` in config paths.
#pragma once

#include "supervisor/spec/build_specs.hpp"

namespace angel {

/// The password-database lookup (getpwnam_r / getpwuid_r(geteuid())).
HomeLookup password_database_homes();

}  // namespace angel
