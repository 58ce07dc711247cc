// One program instance's lifecycle (spec section 6) as a transition table:
// state x event -> (next state, actions). Pure: the caller says what it knows
// (the facts), the table says what to do; the engine carries the actions out.
//
//   absent --start--> starting --spawned--> running --exited--> waiting --delay--> starting ...
//                        |                     |                 (or absent: QUIT)
//                        |                     +--hard_killed--> killed --exited--> (as running)
//                        +--spawn_failed--> absent (next sync starts it again: D5)
//                        +--pidfile_failed--> failing --stop_done--> absent
//   running --exited--> done / failed when `restart` says no restart; a sync's
//   spec_changed runs it again (START), removed ends it (QUIT).
//   angelctl stop: running --stop_asked--> (its kill) --exited--> stopped; waiting,
//   done, failed --stop_asked--> stopped at once; stopped --start_asked--> starting.
//   A sync keeps a stopped one whatever its spec (start adopts the desired one); removed ends it.
//   absent --deps_missing--> pending --deps_ready--> starting: `after` holds a new id's first
//   start until what it waits for runs; removed ends it (QUIT).
//   `critical`: an end for good (done, failed, a failed start) also says exit_angel.
//   running --unhealthy--> running: `check` failed `checkfails` times in a row; its
//   child is stopped and its exit starts it again at once (maxdelay's back-off aside).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "supervisor/decide/actions.hpp"
#include "supervisor/spec/program_spec.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {

enum class InstanceState : std::uint8_t {
    absent,    ///< not in the running set (before its first START, after QUIT or a failure)
    starting,  ///< START logged, its spawn under way
    running,   ///< a live child: the only state a sync may kill (spec 7.1)
    killed,    ///< its child got SIGKILL after a grace period and is dying: not killed again
    failing,   ///< the pidfile could not be written: its child is being killed, then it ends
    waiting,   ///< its child ended; the delay timer will RESTART it
    done,      ///< its child ended with an okexit status and `restart` keeps it ended
    failed,    ///< its child failed (other status, or a signal) and restart = "never" keeps it ended
    stopped,   ///< angelctl stop holds it down: no child, not restarted before angelctl start
    pending,   ///< `after`: its first start waits until each program it waits for runs
};
inline constexpr std::size_t kInstanceStates = 10;

enum class InstanceEvent : std::uint8_t {
    start,           ///< a sync decided to start it
    spawned,         ///< its child (and logger) started, pidfile written
    spawn_failed,    ///< the spawn failed (text: the stderr line)
    pidfile_failed,  ///< the child started but its pidfile could not be written (text)
    exited,          ///< its current child was reaped
    delay_elapsed,   ///< the WAITING delay is over
    spec_changed,    ///< a sync's kill queue reached it: its desired spec changed
    removed,         ///< a sync's kill queue reached it: no longer desired (or shutdown)
    hard_killed,     ///< its current child got SIGKILL at the end of a grace period
    stop_done,       ///< the stop sequence of its own child (failing) is over
    stop_asked,      ///< angelctl stop (never to starting or stopped: the engine answers those)
    start_asked,     ///< angelctl start (only to stopped, done and failed: the engine answers the rest)
    deps_missing,    ///< a sync would start it, but `after` names programs not running yet (text: them)
    deps_ready,      ///< every program its `after` names runs (and is ready) now
    unhealthy,       ///< its `checkfails`-th failed check in a row (text: the reason)
};
inline constexpr std::size_t kInstanceEvents = 15;

std::string_view name_of(InstanceState state);
std::string_view name_of(InstanceEvent event);

/// What a transition needs to know beyond the state. Everything is borrowed.
struct InstanceFacts {
    std::string_view id;
    const ProgramSpec* started_with = nullptr;  ///< spec of its last START (null when absent)
    const ProgramSpec* desired = nullptr;       ///< desired spec for the id now; null = not desired
    std::string_view text;                      ///< spawn_failed, pidfile_failed: the error text;
                                                ///< stop_done: the text remembered at pidfile_failed
    std::optional<std::int64_t> wait;           ///< exited: the back-off's wait (maxdelay), else `delay`
    std::optional<int> exit_status;             ///< exited: its exit status; nullopt = killed by a signal
    std::string_view exit_text;                 ///< exited: how it ended ("exit 3", "signal 9 (KILL)")
    bool restart_asked = false;                 ///< exited: angelctl restart stopped it (restarted whatever `restart`)
    bool hold = false;                          ///< exited, stop_done: angelctl stop asked: it ends stopped
    int exit_code = 0;                          ///< exited: the exit status, or 128 + the signal that killed it
    bool stopping = false;                      ///< unhealthy: a stop of its child is under way already
};

enum class InstanceActionKind : std::uint8_t {
    log,             ///< log `message` (then `text`, if any) at `level` in the program's context
    adopt_spec,      ///< take the desired spec as the started-with spec (read once per START)
    spawn,           ///< spawn the started-with spec; the outcome comes back as an event
    report_error,    ///< write `text` to stderr as `<PROG>: text`
    remember_error,  ///< keep `text` to report when the stop sequence is over
    stop_own_child,  ///< kill the instance's child with its termgrace (no pidfile removal)
    remove_pidfile,  ///< remove the started-with spec's pidfile
    arm_delay,       ///< arm the delay timer for `seconds`
    cancel_delay,    ///< the delay timer will not RESTART it
    hold,            ///< angelctl stop: its end leaves it stopped (the facts' `hold` from now on)
    stop_child,      ///< kill its child as a removal does (stopsignal, termgrace, KILL; its logger)
    exit_angel,      ///< `critical`: stop every program as on TERM, then exit with `code`
    restart_child,   ///< stop its child (stopsignal, termgrace); its exit starts it again at
                     ///< once, whatever `restart` says, after maxdelay's back-off if it has one
    end,             ///< the instance leaves the running set (last action)
};

struct InstanceAction {
    InstanceActionKind kind = InstanceActionKind::log;
    Level level = Level::v2;
    std::string_view message;  ///< log
    std::string_view text;     ///< report_error, remember_error, log's tail (borrowed from the facts)
    std::int64_t seconds = 0;  ///< arm_delay
    int code = 0;              ///< exit_angel: angel's exit status
};

struct InstanceTransition {
    bool possible = true;  ///< false: this event cannot happen in this state (a bug if it does)
    InstanceState next = InstanceState::absent;
    ActionList<InstanceAction, 9> actions;
};

/// The table: what `event` does to an instance in `state`.
InstanceTransition step(InstanceState state, InstanceEvent event, const InstanceFacts& facts);

}  // namespace angel
