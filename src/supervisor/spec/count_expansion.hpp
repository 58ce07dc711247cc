// Grouping flat keys by program and expanding `count` (spec 4.2, 4.5).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "configurator/value.hpp"
#include "supervisor/spec/build_specs.hpp"

namespace angel {

/// The keys of one program: local key (`exec`, `env.PATH`, `sub.x`) -> value.
using ProgramKeys = std::map<std::string, configurator::Value>;

/// The internal key count expansion gives each instance: the program block it came
/// from (`web` for `web-2`). No config can write it (keys are identifiers).
inline constexpr std::string_view kGroupKey = ":group";

/// Every program's keys, by program id.
using ProgramKeyGroups = std::map<std::string, ProgramKeys>;

/// Groups `ID.LOCAL` keys (split at the first `.`, both parts non-empty); keys
/// without a dot (top-level `user`, `count`, ...) belong to no program and are dropped.
ProgramKeyGroups group_by_program(const configurator::Map& map);

/// The pidfile of instance k: `-k` inserted at the first `.` of the whole path,
/// or appended when there is none (`/var/run/app.d/w.pid` -> `/var/run/app-1.d/w.pid`, D7).
std::string rename_pidfile(std::string_view path, std::int64_t k);

/// Replaces each program having `count` by its instances `ID-1`, `ID-2`, ... (no
/// `count` key, renamed pidfile, env.ANGEL_PROCESS_NUMBER = "k"). With bad counts,
/// the error of the erroring program id that comes LAST in hash-map order (4.8).
/// Colliding ids (`w` with count and a literal `w-1`) are merged key by key, the
/// program later in hash-map order winning, as the reference's HM.unions does.
std::variant<ProgramKeyGroups, SpecError> expand_counts(const ProgramKeyGroups& groups);

}  // namespace angel
