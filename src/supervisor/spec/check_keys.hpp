// The value of the opt-in `check` key: an http URL, a tcp address or an exec command.
#pragma once

#include <optional>
#include <string_view>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// The probe a `check` value names ("http://HOST:PORT/PATH", "tcp:HOST:PORT",
/// "exec:COMMAND ARGS"), with the default timings; nullopt when it is none of them.
/// HOST is a numeric address (or localhost): angel resolves no name, since a
/// resolver would block its one thread.
std::optional<CheckSpec> check_of(std::string_view text);

/// What a `check` value must be, for the error line.
inline constexpr std::string_view kCheckForms =
    "must be \"http://HOST:PORT/PATH\", \"tcp:HOST:PORT\" or \"exec:COMMAND ARGS\" "
    "(HOST an IP address or localhost)";

}  // namespace angel
