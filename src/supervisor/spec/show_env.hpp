// The env list as the reference prints it in `Spawning process: CMD with env ENV`.
#pragma once

#include <string>
#include <vector>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// Haskell `show` of a [(String, String)] (spec section 10):
/// `[("NAME","VALUE"),...]`, `[]` when empty; pure ASCII.
std::string show_env(const std::vector<EnvEntry>& env);

}  // namespace angel
