// Building programs from their keys: types, values, rounding (spec 4.3, 4.4).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "configurator/value.hpp"
#include "supervisor/spec/build_specs.hpp"
#include "supervisor/spec/count_expansion.hpp"
#include "supervisor/spec/program_spec.hpp"
#include "supervisor/spec/serve_keys.hpp"
#include "supervisor/spec/spec_errors.hpp"

namespace angel {

/// A program between key building and validation: `exec` may still be missing and
/// env is still a set (its order is fixed when the spec is finished).
struct ProgramDraft {
    ProgramSpec spec;                            ///< all fields but exec and env
    std::optional<std::string> exec;             ///< absent -> validation error
    std::map<std::string, std::string> env;      ///< NAME -> VALUE
    ServeKeys serve_keys;                        ///< listen, ready, ...: checked last
    ServeKeys operate_keys;                      ///< killgroup, maxdelay: checked last
    std::optional<std::string> group;            ///< the block it came from, with count
};

/// Programs by id (sorted: the order of tilde expansion and validation).
using ProgramDrafts = std::map<std::string, ProgramDraft>;

/// The error a local key with this value raises, if any. Unknown keys never fail.
std::optional<SpecErrorKind> key_error(std::string_view local, const configurator::Value& value);

/// Applies every recognised key. On failures, the error of the failing full key
/// `ID.LOCAL` that comes first in hash-map order (spec 4.8).
std::variant<ProgramDrafts, SpecError> build_programs(const ProgramKeyGroups& groups);

}  // namespace angel
