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
};
inline constexpr std::size_t kInstanceStates = 8;

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
    unhealthy,       ///< its `checkfails`-th failed check in a row (text: the reason)
};
inline constexpr std::size_t kInstanceEvents = 11;

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
};

struct InstanceTransition {
    bool possible = true;  ///< false: this event cannot happen in this state (a bug if it does)
    InstanceState next = InstanceState::absent;
    ActionList<InstanceAction, 8> actions;
};

/// The table: what `event` does to an instance in `state`.
InstanceTransition step(InstanceState state, InstanceEvent event, const InstanceFacts& facts);

}  // namespace angel
