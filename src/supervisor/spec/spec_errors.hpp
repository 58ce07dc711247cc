// Every exact error text of the angel config layer (spec 3.5, 4.6), in one table.
#pragma once

#include <string>
#include <string_view>

namespace angel {

/// One angel-level config error of the reference (a Haskell `error` call in
/// src/Angel/Config.hs), in the order of the spec's table.
enum class SpecErrorKind {
    missing_exec,         ///< "ID does not have an 'exec' specification"
    logger_with_output,   ///< "ID cannot have both a logger process and stderr/stdout"
    exec_type,            ///< exec not a string
    delay_negative,       ///< delay < 0
    delay_type,           ///< delay not a number
    stdout_type,          ///< stdout not a string
    stderr_type,          ///< stderr not a string
    directory_type,       ///< directory not a string
    logger_type,          ///< logger not a string
    pidfile_type,         ///< pidfile not a string
    env_type,             ///< env.NAME not a string
    termgrace_negative,   ///< termgrace < 0
    termgrace_type,       ///< termgrace neither a number nor false
    count_negative,       ///< count < 0
    count_type,           ///< count not a number
};

/// The whole exception text, CallStack trailer included. `id` is used only by
/// the two validation messages (missing_exec, logger_with_output).
std::string spec_error_text(SpecErrorKind kind, std::string_view id = {});

/// The IOError text for `~user` of an unknown user (no CallStack trailer).
inline constexpr std::string_view kNoSuchUserText =
    "getUserEntryForName: does not exist (no such user)";

}  // namespace angel
