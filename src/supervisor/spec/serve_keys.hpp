// The opt-in serve keys of a program block, checked and built into a ServeSpec. The
// original ignores these keys, so they are checked only after everything it checks:
// a config it accepts with other errors still fails with its own error first.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "configurator/value.hpp"
#include "supervisor/spec/program_spec.hpp"
#include "supervisor/spec/serve_spec.hpp"

namespace angel {

/// Whether a program's local key is one of the serve keys.
bool is_serve_key(std::string_view local);

/// The serve keys of one program, as written.
using ServeKeys = std::map<std::string, configurator::Value, std::less<>>;

/// Whether a program's local key is one of the opt-in operating keys (killgroup, maxdelay, stopsignal, restart, okexit,
/// check, checkevery, checktimeout, checkfails).
bool is_operate_key(std::string_view local);

/// Checks and applies the operating keys of program `id`; the one-line error text.
std::optional<std::string> apply_operate_keys(const std::string& id, const ServeKeys& keys, ProgramSpec& spec);

/// The ServeSpec of program `id` (of block `group`), or the one-line error text.
std::variant<ServeSpec, std::string> build_serve(const std::string& id, const std::string& group,
                                                 const ServeKeys& keys);

/// Two program blocks listing one address: the error text of the first such pair.
std::optional<std::string> shared_listen_error(const ProgramSpecs& specs);

}  // namespace angel
