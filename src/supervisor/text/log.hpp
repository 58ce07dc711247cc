// The daemon's log: `[YYYY/MM/DD HH:MM:SS] {CONTEXT} MESSAGE` records on stdout.
#pragma once

#include <string>
#include <string_view>

#include "supervisor/text/messages.hpp"

namespace angel {

/// Sets up Boost.Log: our formatter, a stdout sink that writes each record with a
/// single write(2) and, once stdout is a broken pipe, silently stops writing
/// (the daemon keeps supervising), and the verbosity filter.
void init_log(int verbosity);

/// Logs one record (the message may contain line feeds; it is written as is).
void log(Level level, std::string_view context, std::string_view message);

/// Writes one line to stderr with a single write(2): "<PROG>: TEXT\n".
void report_error(std::string_view text);

/// The program name used in every `<PROG>: ...` line (basename of argv[0]).
void set_program_name(std::string_view argv0);
const std::string& program_name();

}  // namespace angel
