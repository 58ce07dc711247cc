// `angelctl check`: the programs a config expands to, with their settings, as text.
#pragma once

#include <string>

#include "supervisor/spec/program_spec.hpp"

namespace angel::control {

/// One block per program, in id order: its id, then `  key = value` for each setting
/// it has (defaults shown as such), as a reload would run it.
std::string describe_specs(const ProgramSpecs& specs);

}  // namespace angel::control
