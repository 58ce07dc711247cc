// The daemon's log: `[YYYY/MM/DD HH:MM:SS] {CONTEXT} MESSAGE` records on stdout.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "supervisor/phrases/messages.hpp"

namespace angel {

/// Sets up Boost.Log: our formatter, a stdout sink that writes each record whole through
/// the non-blocking writer (output_writer.hpp) and, once stdout is a broken pipe, silently stops writing
/// (the daemon keeps supervising), and the verbosity filter.
void init_log(int verbosity);

/// angel's two outputs: the log on stdout, error lines (`report_error`) on stderr.
enum class Output { log, errors };

/// When an output (a pipe or socket) is full, what is written waits in order in a
/// bounded backlog (output_writer.hpp) instead of stopping angel: `handler` is called
/// when it starts to wait; the loop then calls flush_output_backlog() whenever the
/// output's descriptor (output_fd) is writable, until it returns false (nothing left).
void set_output_backlog_handler(Output output, std::function<void()> handler);
bool flush_output_backlog(Output output);
int output_fd(Output output);
/// At exit: what still waits on either output is written, for at most 10 seconds in all.
void flush_outputs_at_exit();

/// Logs one record (the message may contain line feeds; it is written as is).
void log(Level level, std::string_view context, std::string_view message);

/// Writes one line to stderr, whole and never waiting on a reader: "<PROG>: TEXT\n".
void report_error(std::string_view text);

/// The program name used in every `<PROG>: ...` line (basename of argv[0]).
void set_program_name(std::string_view argv0);
const std::string& program_name();

}  // namespace angel
