// The instance table. Every cell is named: a transition function, `impossible`
// (the event cannot reach an instance in that state), or `unchanged` (the event
// is expected and changes nothing here). Unit tests check every cell.
#include "supervisor/decide/instance_table.hpp"

#include "supervisor/decide/table_cells.hpp"

namespace angel {
namespace {

using State = InstanceState;
using Event = InstanceEvent;
using Kind = InstanceActionKind;
using Facts = InstanceFacts;
using Transition = InstanceTransition;
using Cell = Transition (*)(State, const Facts&);

Transition to(State next) { return table::to<Transition>(next); }

void log(Transition& t, std::string_view message, Level level = Level::v2) {
    t.actions.push(InstanceAction{Kind::log, level, message, {}, 0});
}

void act(Transition& t, Kind kind, std::string_view text = {}) { t.actions.push(InstanceAction{kind, Level::v2, {}, text, 0}); }

constexpr Cell impossible = table::impossible<Transition, State, Facts>;

constexpr Cell unchanged = table::unchanged<Transition, State, Facts>;

/// START, then QUIT if the id left the config, else spawn the desired spec.
Transition begin_start(Transition t, const Facts& f) {
    log(t, msg::start);
    if (f.desired == nullptr) {
        log(t, msg::quit_missing);
        act(t, Kind::end);
        t.next = State::absent;
        return t;
    }
    act(t, Kind::adopt_spec);  // the spec is read once per START (spec 6)
    act(t, Kind::spawn);
    t.next = State::starting;
    return t;
}

Transition start(State, const Facts& f) { return begin_start(Transition{}, f); }

/// `critical`: the program will not run again, so neither does angel. A start that
/// failed has no exit status of its own: angel's for a failure, 1.
void critical_end(Transition& t, const Facts& f, int code) {
    if (f.started_with == nullptr || !f.started_with->critical) return;
    t.actions.push(InstanceAction{Kind::exit_angel, Level::v2, {}, {}, 0, code});
}
inline constexpr int kFailedStartCode = 1;

/// `after`: a new id whose first start waits; `text` names what it waits for.
Transition wait_for_deps(State, const Facts& f) {
    Transition t = to(State::pending);
    t.actions.push(InstanceAction{Kind::log, Level::v2, msg::waiting_for, f.text, 0, 0});
    return t;
}

/// What it waited for runs: its first START, with the spec desired now.
constexpr Cell release = start;

Transition restart(State, const Facts& f) {
    Transition t;
    log(t, msg::restart);
    return begin_start(t, f);
}

Transition spawned(State, const Facts&) {
    Transition t = to(State::running);
    log(t, msg::running);
    return t;
}

/// A spawn failure ends the entry with one stderr line; the next sync starts it
/// again (D5: no WAITING, the delay is not used).
Transition spawn_failed(State, const Facts& f) {
    Transition t = to(State::absent);
    act(t, Kind::report_error, f.text);
    critical_end(t, f, kFailedStartCode);
    act(t, Kind::end);
    return t;
}

/// The child runs but has no pidfile: it is killed with the program's kill sequence
/// and reaped (D8, fixed); its end is not logged; the error is reported after.
Transition pidfile_failed(State, const Facts& f) {
    Transition t = to(State::failing);
    log(t, msg::pidfile_failed);
    act(t, Kind::remember_error, f.text);
    act(t, Kind::stop_own_child);
    return t;
}

/// `restart` (opt-in): the line and the state of an exit that is not restarted, or
/// false when it is restarted (always; on-failure after a failure; angelctl restart).
bool not_restarted(Transition& t, const Facts& f) {
    if (f.restart_asked || f.started_with == nullptr) return false;
    // A HUP that changed it killed it: replaced as any program (kill, then restart).
    if (f.desired != nullptr && *f.desired != *f.started_with) return false;
    const ProgramSpec& spec = *f.started_with;
    if (spec.restart == RestartPolicy::always) return false;
    const bool ok = exit_ok(spec, f.exit_status);
    if (spec.restart == RestartPolicy::on_failure && !ok) return false;
    const std::string_view line = !ok                                          ? msg::failed_never
                                  : spec.restart == RestartPolicy::on_failure ? msg::done_on_failure
                                                                               : msg::done_never;
    t.actions.push(InstanceAction{Kind::log, Level::v2, line, f.exit_text, 0});
    t.next = ok ? State::done : State::failed;
    critical_end(t, f, f.exit_code);
    return true;
}

/// angelctl stop held it down: STOPPED instead of WAITING (or of DONE/FAILED).
bool held(Transition& t, const Facts& f) {
    if (!f.hold) return false;
    log(t, msg::stopped);
    t.next = State::stopped;
    return true;
}

/// ENDED, the pidfile goes, then QUIT or WAITING for the delay of the started-with
/// spec (not of a newer config: spec 6), or DONE/FAILED when `restart` says so.
Transition exited(State, const Facts& f) {
    Transition t;
    log(t, msg::ended);
    if (f.started_with != nullptr && f.started_with->pidfile) act(t, Kind::remove_pidfile);
    if (f.desired == nullptr) {
        log(t, msg::quit);
        act(t, Kind::end);
        t.next = State::absent;
        return t;
    }
    if (held(t, f) || not_restarted(t, f)) return t;
    log(t, msg::waiting);
    const std::int64_t delay = f.wait ? *f.wait
                               : f.started_with != nullptr ? delay_seconds(*f.started_with)
                                                           : kDefaultDelay;
    t.actions.push(InstanceAction{Kind::arm_delay, Level::v2, {}, {}, delay});
    t.next = State::waiting;
    return t;
}

/// The failing child is reaped silently: it is no longer the entry's (D8).
Transition failing_child_reaped(State, const Facts&) { return to(State::failing); }

Transition hard_killed(State, const Facts&) { return to(State::killed); }

/// Two kill sequences of one child can overlap (a sync's kill and angelctl restart's,
/// found by the model fuzzer): the second KILL finds it dying already.
constexpr Cell killed_again = unchanged;

/// An ended one-shot whose spec a HUP changed runs again, as a fresh START.
Transition rerun(State, const Facts& f) { return begin_start(Transition{}, f); }

/// An ended one-shot, or one still pending, that left the config (or shutdown) leaves the running set.
Transition forget(State, const Facts&) {
    Transition t = to(State::absent);
    log(t, msg::quit);
    act(t, Kind::end);
    return t;
}

/// Unhealthy (`check`): replaced as angelctl restart replaces it, unless a stop of its
/// child (angelctl restart, a sync's kill) is under way already and will end it.
Transition replace_unhealthy(State state, const Facts& f) {
    Transition t = to(state);
    if (f.stopping) return t;
    t.actions.push(InstanceAction{Kind::log, Level::v2, msg::unhealthy, f.text, 0});
    act(t, Kind::restart_child);
    return t;
}

Transition failing_done(State, const Facts& f) {
    Transition t = to(State::absent);
    act(t, Kind::report_error, f.text);
    if (f.desired != nullptr && held(t, f)) return t;  // angelctl stop: not an end for good
    critical_end(t, f, kFailedStartCode);
    act(t, Kind::end);
    return t;
}

/// A failing one stopped by angelctl ends its kill sequence at the KILL, possibly before
/// its child is reaped: the reap comes to it stopped, and changes nothing.
constexpr Cell stopped_child_reaped = unchanged;

/// angelctl stop of a live child: the kill of a removal; its exit ends it stopped.
Transition stop_running(State, const Facts&) {
    Transition t = to(State::running);
    log(t, msg::stop_requested);
    act(t, Kind::hold);
    act(t, Kind::stop_child);
    return t;
}

/// angelctl stop of a child already being killed (KILL sent, or its pidfile failed):
/// no second kill; its end leaves it stopped.
Transition hold_dying(State state, const Facts&) {
    Transition t = to(state);
    log(t, msg::stop_requested);
    act(t, Kind::hold);
    return t;
}

/// angelctl stop with no child (its last start failed, waiting, done, failed, pending: its
/// `after` hold is dropped with it): stopped at once.
Transition stop_now(State state, const Facts&) {
    Transition t = to(State::stopped);
    if (state == State::waiting) act(t, Kind::cancel_delay);
    log(t, msg::stopped);
    return t;
}

/// angelctl start of a stopped or ended one: a fresh START with the desired spec.
Transition start_asked(State, const Facts& f) {
    Transition t;
    log(t, msg::start_requested);
    return begin_start(t, f);
}

// clang-format off
constexpr Cell kTable[kInstanceStates][kInstanceEvents] = {
    //              start       spawned     spawn_failed  pidfile_failed  exited                delay_elapsed spec_changed removed     hard_killed   stop_done     stop_asked    start_asked  deps_missing   deps_ready  unhealthy
    /* absent   */ {start,      impossible, impossible,   impossible,     impossible,           impossible,   impossible,  impossible, impossible,   impossible,   stop_now,     impossible,  wait_for_deps, impossible, impossible},
    /* starting */ {impossible, spawned,    spawn_failed, pidfile_failed, impossible,           impossible,   impossible,  impossible, impossible,   impossible,   impossible,   impossible,  impossible,    impossible, impossible},
    /* running  */ {impossible, impossible, impossible,   impossible,     exited,               impossible,   unchanged,   unchanged,  hard_killed,  impossible,   stop_running, impossible,  impossible,    impossible, replace_unhealthy},
    /* killed   */ {impossible, impossible, impossible,   impossible,     exited,               impossible,   impossible,  impossible, killed_again, impossible,   hold_dying,   impossible,  impossible,    impossible, impossible},
    /* failing  */ {impossible, impossible, impossible,   impossible,     failing_child_reaped, impossible,   impossible,  impossible, unchanged,    failing_done, hold_dying,   impossible,  impossible,    impossible, impossible},
    /* waiting  */ {impossible, impossible, impossible,   impossible,     impossible,           restart,      impossible,  impossible, impossible,   impossible,   stop_now,     impossible,  impossible,    impossible, impossible},
    /* done     */ {impossible, impossible, impossible,   impossible,     impossible,           impossible,   rerun,       forget,     impossible,   impossible,   stop_now,     start_asked, impossible,    impossible, impossible},
    /* failed   */ {impossible, impossible, impossible,   impossible,     impossible,           impossible,   rerun,       forget,     impossible,   impossible,   stop_now,     start_asked, impossible,    impossible, impossible},
    /* stopped  */ {impossible, impossible, impossible,   impossible,     stopped_child_reaped, impossible,   impossible,  forget,     impossible,   impossible,   impossible,   start_asked, impossible,    impossible, impossible},
    /* pending  */ {impossible, impossible, impossible,   impossible,     impossible,           impossible,   impossible,  forget,     impossible,   impossible,   stop_now,     impossible,  impossible,    release,    impossible},
};
// clang-format on

}  // namespace

InstanceTransition step(InstanceState state, InstanceEvent event, const InstanceFacts& facts) {
    return table::apply(kTable, state, event, facts);
}

std::string_view name_of(InstanceState state) {
    switch (state) {
        case State::absent: return "absent";
        case State::starting: return "starting";
        case State::running: return "running";
        case State::killed: return "killed";
        case State::failing: return "failing";
        case State::waiting: return "waiting";
        case State::done: return "done";
        case State::failed: return "failed";
        case State::stopped: return "stopped";
        case State::pending: return "pending";
    }
    return "?";
}

std::string_view name_of(InstanceEvent event) {
    switch (event) {
        case Event::start: return "start";
        case Event::spawned: return "spawned";
        case Event::spawn_failed: return "spawn_failed";
        case Event::pidfile_failed: return "pidfile_failed";
        case Event::exited: return "exited";
        case Event::delay_elapsed: return "delay_elapsed";
        case Event::spec_changed: return "spec_changed";
        case Event::removed: return "removed";
        case Event::hard_killed: return "hard_killed";
        case Event::stop_done: return "stop_done";
        case Event::stop_asked: return "stop_asked";
        case Event::start_asked: return "start_asked";
        case Event::deps_missing: return "deps_missing";
        case Event::deps_ready: return "deps_ready";
        case Event::unhealthy: return "unhealthy";
    }
    return "?";
}

}  // namespace angel
