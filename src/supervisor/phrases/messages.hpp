// Every fixed log phrase of the original (spec section 3.4), in one table, with
// the levels and contexts records are logged at. Header only and pure, a room of
// its own above all others: the deciding rooms name what to say; only text/log.cpp says it.
#pragma once

#include <string>
#include <string_view>

namespace angel {

/// A record's verbosity level; a record is printed when its level <= `-v`.
enum class Level { v1 = 1, v2 = 2 };

/// The context of a program's own records: `- program: ID -`.
inline std::string program_context(std::string_view id) {
    std::string ctx = "- program: ";
    ctx += id;
    ctx += " -";
    return ctx;
}

/// The context of a program's logger records: `- program: logger for ID -`.
inline std::string logger_context(std::string_view id) {
    std::string ctx = "- program: logger for ";
    ctx += id;
    ctx += " -";
    return ctx;
}

}  // namespace angel

namespace angel::msg {

// Contexts.
inline constexpr std::string_view ctx_main = "main";
inline constexpr std::string_view ctx_config = "config-monitor";
inline constexpr std::string_view ctx_monitor = "process-monitor";
inline constexpr std::string_view ctx_killer = "process-killer";

// {main}
inline constexpr std::string_view angel_started = "Angel started";
inline constexpr std::string_view running_as_user = "Running as user: ";
inline constexpr std::string_view using_config_file = "Using config file: ";
inline constexpr std::string_view shutdown_received = "INT | TERM received; initiating shutdown...";
inline constexpr std::string_view clearing_config = "  1. Clearing config";
inline constexpr std::string_view forcing_sync = "  2. Forcing sync to kill running processes";
inline constexpr std::string_view all_folks = "That's all folks!";

// {config-monitor}
inline constexpr std::string_view config_error = " <<<< Config Error >>>>\n";
inline constexpr std::string_view skipping_reload = " <<<< Config Error: Skipping reload >>>>";
inline constexpr std::string_view hup_caught = "HUP caught, reloading config";

// {process-monitor}: "Must kill=N, must start=M"
inline constexpr std::string_view must_kill = "Must kill=";
inline constexpr std::string_view must_start = ", must start=";

// {process-killer}
inline constexpr std::string_view soft_killing = "Soft killing ";
inline constexpr std::string_view attempting_soft_kill = "Attempting soft kill ";
inline constexpr std::string_view before_hard_killing = " before hard killing";
inline constexpr std::string_view waiting_prefix = "Waiting ";
inline constexpr std::string_view seconds_for = " seconds for ";
inline constexpr std::string_view to_die = " to die";
inline constexpr std::string_view hard_killing = "Hard killing ";

// {- program: ID -} and {- program: logger for ID -}
inline constexpr std::string_view start = "START";
inline constexpr std::string_view quit_missing = "QUIT (missing from config on restart)";
inline constexpr std::string_view spawning_process = "Spawning process: ";
inline constexpr std::string_view with_env = " with env ";
inline constexpr std::string_view spawning_logger = "Spawning logger process";
inline constexpr std::string_view running = "RUNNING";
inline constexpr std::string_view ended = "ENDED";
inline constexpr std::string_view quit = "QUIT";
inline constexpr std::string_view waiting = "WAITING";
inline constexpr std::string_view restart = "RESTART";
inline constexpr std::string_view pidfile_failed = "Failed to create pidfile";

// Plain programs with the opt-in key `restart`: an exit that is not restarted,
// instead of WAITING; + how it ended ("exit 0", "signal 9 (KILL)").
inline constexpr std::string_view done_on_failure = "DONE, not restarted (restart = \"on-failure\"): ";
inline constexpr std::string_view done_never = "DONE, not restarted (restart = \"never\"): ";
inline constexpr std::string_view failed_never = "FAILED, not restarted (restart = \"never\"): ";

// angelctl stop and start (opt-in: a config whose programs nobody stops logs none).
inline constexpr std::string_view stop_requested = "STOP asked by angelctl";
inline constexpr std::string_view stopped = "STOPPED by angelctl: not restarted before angelctl start";
inline constexpr std::string_view start_requested = "START asked by angelctl";
// The opt-in key `after`: a new program's first start waits; + the ids ("db, cache").
inline constexpr std::string_view waiting_for = "WAITING for ";
// The opt-in key `critical`, {main}: "Critical program ID ended for good; initiating
// shutdown, exit status N" (instead of the TERM line; the shutdown's lines follow).
inline constexpr std::string_view critical_program = "Critical program ";
inline constexpr std::string_view critical_shutdown = " ended for good; initiating shutdown, exit status ";
// Programs with the opt-in key `check`: a failed check (+ the reason: "connect:
// connection refused", "timeout after 2 s", "http status 500", "exit 1"), and the
// replacement of a plain instance (+ "3 checks failed in a row").
inline constexpr std::string_view check_failed = "CHECK FAILED: ";
inline constexpr std::string_view unhealthy = "UNHEALTHY, restarting: ";
inline constexpr std::string_view recycle_unhealthy = "unhealthy: ";  // RECYCLE: unhealthy: 3 checks failed in a row
// `watchdog`: a served instance sent no WATCHDOG=1 in time (+ "N seconds").
inline constexpr std::string_view watchdog_missed = "WATCHDOG: no keep-alive for ";

// Served programs only (the opt-in keys listen, ready, surge, maxage, maxrss):
// {- program: ID -}
inline constexpr std::string_view start_replacing = "START (new instance, replacing pid ";
inline constexpr std::string_view start_recycling = "START (recycling pid ";
inline constexpr std::string_view ready = "READY";
inline constexpr std::string_view not_ready_exited = "NOT READY: exited before it was ready";
inline constexpr std::string_view not_ready_eof = "NOT READY: closed its readiness descriptor before it was ready";
inline constexpr std::string_view not_ready_timeout = "NOT READY: not ready ";  // + "N seconds after it started"
inline constexpr std::string_view not_ready_pidfile = "NOT READY: its pidfile could not be written";
inline constexpr std::string_view next_try = "; next try in ";  // + "N seconds"
inline constexpr std::string_view restart_given_up = "; the restart asked by angelctl failed";
inline constexpr std::string_view old_keeps_running = "; the old instance keeps running";
inline constexpr std::string_view retiring = "RETIRING pid ";
inline constexpr std::string_view ended_replaced = "ENDED (replaced)";
inline constexpr std::string_view recycle = "RECYCLE: ";
inline constexpr std::string_view recycle_requested = "asked by angelctl restart";
inline constexpr std::string_view recycle_stopping = "asked with STOPPING=1";
inline constexpr std::string_view recycle_older = "older than ";  // + "N seconds"
inline constexpr std::string_view recycle_memory = "resident memory ";  // + "N MiB is over M MiB"
inline constexpr std::string_view after_it_started = " after it started";  // NOT READY: not ready N seconds ...
inline constexpr std::string_view restart_requested = "RESTART asked by angelctl";
inline constexpr std::string_view status = "STATUS: ";
// A notify datagram from another process (notifyaccess); the first per instance only.
inline constexpr std::string_view notify_ignored = "Ignored a notify message from pid ";  // + N + one of:
inline constexpr std::string_view notify_not_main = ": not the instance's own process (later ones are not logged)";
inline constexpr std::string_view notify_not_in_tree = ": not in the instance's process tree (later ones are not logged)";
// {process-monitor}
inline constexpr std::string_view rollout_started = "Rollout started: ";
inline constexpr std::string_view rollout_done = "Rollout done: ";
inline constexpr std::string_view listening_on = "Listening on ";
inline constexpr std::string_view closed_listener = "Closed listener ";
inline constexpr std::string_view cannot_listen = "Cannot listen: ";

// {- program: ID -}: a table was asked for a transition it does not have (a bug).
inline constexpr std::string_view internal_error = "internal error: ";  // + "TABLE: event EVENT in state STATE"

// The control socket's replies (angelctl prints them). ID + ...
inline constexpr std::string_view reply_shutting_down = "angel is shutting down";
inline constexpr std::string_view reply_no_program = "no program ";  // + NAME
inline constexpr std::string_view reply_no_serving = " has no serving instance to replace (it is starting or waiting)";
inline constexpr std::string_view reply_being_replaced = " is already being replaced";
inline constexpr std::string_view reply_restarting = " is already restarting";
inline constexpr std::string_view reply_busy = " is starting or stopping; try again";
inline constexpr std::string_view reply_left = " left the config";
inline constexpr std::string_view reply_replaced = " replaced (pid ";    // + "N)"
inline constexpr std::string_view reply_restarted = " restarted (pid ";  // + "N)"
inline constexpr std::string_view reply_new_failed = ": the new instance failed (";  // + "ERROR)"
inline constexpr std::string_view reply_ended = " (restart = \"";  // ID is done|failed + this + POLICY
inline constexpr std::string_view reply_ended_rerun = "\"); angelctl start, or a HUP that changes its block, runs it again";
inline constexpr std::string_view reply_stopped = " stopped";
inline constexpr std::string_view reply_already_stopped = " is already stopped";
inline constexpr std::string_view reply_started = " started (pid ";  // + "N)"
inline constexpr std::string_view reply_started_ended = " started and ended (";  // + "exit 0)"
inline constexpr std::string_view reply_already_running = " is already running";
inline constexpr std::string_view reply_waiting = " is waiting to restart (angelctl restart starts it now)";
inline constexpr std::string_view reply_is_stopped = " is stopped; angelctl start runs it";
inline constexpr std::string_view reply_was_stopped = " was stopped by angelctl stop";
inline constexpr std::string_view reply_started_again = " was started again before it stopped";
inline constexpr std::string_view reply_stopping = " is stopping (angelctl stop); try again";
inline constexpr std::string_view reply_pending = " has not started: it waits for ";  // + "db, cache"

// stderr texts that are not IOErrors.
inline constexpr std::string_view empty_command = "Prelude.head: empty list";
inline constexpr std::string_view set_user_denied = "setUserID: permission denied (Operation not permitted)";

}  // namespace angel::msg
