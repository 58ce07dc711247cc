// One served generation's lifecycle (a child of a served slot, from its spawn to the
// end of its stop sequence) as a transition table: state x event -> (next state,
// actions). Pure, like the instance table: the engine says what it knows (the
// facts), the table says what to do, the engine (engine/served_block) carries it out.
//
//   starting --ready--> (pidfile) --pidfile_written--> serving --replaced--> retiring --exited--> gone
//      |                               |                 |  (surge 0: stop_first)
//      |                               +--pidfile_failed-+--> retiring (failed: the block backs off)
//      +--ready_timeout / readiness_eof / spec_changed / shutdown--> retiring
//      +--exited--> gone (failed)          serving --exited--> gone (WAITING, or QUIT)
//
// The invariant this table carries (with the block's budget, decide/rollout): a
// serving generation is stopped only when its replacement is ready (`replaced`), when
// its block asked for surge 0's stop-first, when angelctl stop stops its slot, or by
// the sync's kill queue when its id leaves the config or angel shuts down; no event of
// a new generation touches it.
// A generation is created by its spawn (a failed spawn creates none), so there is
// no `spawned` event: it begins in `starting`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "supervisor/decide/actions.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {

enum class GenerationState : std::uint8_t {
    starting,  ///< alive, not ready yet: its slot's new instance
    serving,   ///< alive and ready: its slot's serving instance (at most one a slot)
    retiring,  ///< alive, being stopped (TERM sent; its grace may run)
    gone,      ///< reaped; kept while its logger or its grace timer still runs
};
inline constexpr std::size_t kGenerationStates = 4;

enum class GenerationEvent : std::uint8_t {
    ready,            ///< READY=1, a newline on its readiness fd, or `ready = N` elapsed
    pidfile_written,  ///< the outcome of write_pidfile: written, or none to write
    pidfile_failed,   ///< ... could not be written (text: the stderr line)
    ready_timeout,    ///< readytimeout elapsed (text: the NOT READY line)
    readiness_eof,    ///< its readiness descriptor closed before a newline
    exited,           ///< its process was reaped
    stopping,         ///< STOPPING=1: it asks to be replaced
    recycle_due,      ///< maxage elapsed, or over maxrss (text: why)
    grace_elapsed,    ///< its stop sequence is over (KILL sent after termgrace)
    spec_changed,     ///< a load: its spec is no longer its slot's desired one (or the id left)
    restart_asked,    ///< angelctl restart
    replaced,         ///< its slot's new generation is ready: it makes room
    stop_first,       ///< surge 0: its block stops it before its replacement starts
    shutdown,         ///< angel shuts down
    stop_asked,       ///< angelctl stop of its slot (only to starting and serving ones)
    unhealthy,        ///< its `checkfails`-th failed check in a row (text: why)
};
inline constexpr std::size_t kGenerationEvents = 16;

std::string_view name_of(GenerationState state);
std::string_view name_of(GenerationEvent event);

/// What a transition needs to know beyond the state.
struct GenerationFacts {
    bool wanted = true;        ///< ready: its spec is still its slot's desired one
    bool was_ready = false;    ///< exited: it had been ready (ENDED (replaced))
    bool has_pidfile = false;  ///< exited: its spec has a pidfile to remove
    bool slot_desired = true;  ///< exited while serving: its id is still in the config (and not stopped)
    bool held = false;         ///< exited while retiring: angelctl stop stopped it (ENDED, not replaced)
    std::string_view text;     ///< pidfile_failed, ready_timeout, recycle_due, unhealthy: borrowed
};

enum class GenerationActionKind : std::uint8_t {
    log,             ///< log `message` at `level` in the program's context
    log_pid,         ///< the same, followed by its pid
    report_error,    ///< write `text` to stderr
    write_pidfile,   ///< its pidfile, if any; the outcome comes back as an event
    serve,           ///< it is its slot's serving one: the predecessor gets `replaced`,
                     ///< the block's failures end, maxage's timer is armed
    stop,            ///< its kill sequence (TERM, termgrace, KILL); its timers and channel go
    failed,          ///< it did not become ready (`text`: why): the block backs off
    recycle,         ///< its slot wants a replacement (`text`: why), with the back-off
    recycle_asked,   ///< ... asked by angelctl: a failure is not retried
    remove_pidfile,  ///< its spec's pidfile goes
    arm_restart,     ///< its slot waits `delay` (or maxdelay's back-off), then starts anew
    forget,          ///< it leaves its slot once its logger and its grace are over
};

struct GenerationAction {
    GenerationActionKind kind = GenerationActionKind::log;
    Level level = Level::v2;
    std::string_view message;  ///< log, log_pid
    std::string_view text;     ///< report_error, failed, recycle
};

struct GenerationTransition {
    bool possible = true;  ///< false: this event cannot reach this state (a bug if it does)
    GenerationState next = GenerationState::gone;
    ActionList<GenerationAction, 8> actions;
};

/// The table: what `event` does to a generation in `state`.
GenerationTransition step(GenerationState state, GenerationEvent event, const GenerationFacts& facts);

}  // namespace angel
