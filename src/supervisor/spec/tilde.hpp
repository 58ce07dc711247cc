// Tilde expansion of paths (spec 4.6; Angel.Util.expandPath).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "supervisor/spec/build_specs.hpp"

namespace angel {

/// Expands a leading `~` (`~`, `~/x`: the effective user's home, homes("");
/// `~name/x`: name's home; the name ends at the first `/`). Other strings are
/// returned unchanged. nullopt when the user is unknown.
std::optional<std::string> expand_tilde(std::string_view path, const HomeLookup& homes);

}  // namespace angel
