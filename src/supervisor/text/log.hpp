// The daemon's log: `[YYYY/MM/DD HH:MM:SS] {CONTEXT} MESSAGE` records on stdout.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "supervisor/phrases/messages.hpp"

namespace angel {

/// Sets up Boost.Log: our formatter, a stdout sink that writes each record with a
/// single write(2) and, once stdout is a broken pipe, silently stops writing
/// (the daemon keeps supervising), and the verbosity filter.
void init_log(int verbosity);

/// When stdout (a pipe or socket) is full, records wait in order in a bounded backlog
/// (stdout_writer.hpp) instead of stopping angel: `handler` is called when they start to
/// wait; the loop then calls flush_log_backlog() whenever stdout is writable, until it
/// returns false (nothing left).
void set_log_backlog_handler(std::function<void()> handler);
bool flush_log_backlog();
/// At exit: what still waits is written, for at most 10 seconds.
void flush_log_at_exit();

/// Logs one record (the message may contain line feeds; it is written as is).
void log(Level level, std::string_view context, std::string_view message);

/// Writes one line to stderr with a single write(2): "<PROG>: TEXT\n".
void report_error(std::string_view text);

/// The program name used in every `<PROG>: ...` line (basename of argv[0]).
void set_program_name(std::string_view argv0);
const std::string& program_name();

}  // namespace angel
