// The angel layer on top of the configurator map: count expansion, program keys,
// type and value errors, rounding, tilde expansion and validation (spec section 4).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "configurator/value.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// Home directory of a user from the password database; an empty name means the
/// effective user. nullopt when there is no such user.
using HomeLookup = std::function<std::optional<std::string>(std::string_view user)>;


/// A config that configurator accepted but angel does not: the reference's exception
/// text, CallStack trailer included (e.g. "a does not have an 'exec' specification\n...").
struct SpecError {
    std::string text;
};

/// Builds the desired program set from a flat map, reporting the same first error the
/// reference reports (spec 4.8: which error wins).
std::variant<ProgramSpecs, SpecError> build_specs(const configurator::Map& map,
                                                  const HomeLookup& homes);

}  // namespace angel
