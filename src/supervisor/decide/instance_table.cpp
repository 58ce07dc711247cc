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
    if (not_restarted(t, f)) return t;
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

/// An ended one-shot that left the config (or shutdown) leaves the running set.
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
    act(t, Kind::end);
    return t;
}

// clang-format off
constexpr Cell kTable[kInstanceStates][kInstanceEvents] = {
    //             start       spawned     spawn_failed  pidfile_failed  exited                delay_elapsed  spec_changed  removed     hard_killed  stop_done     unhealthy
    /* absent   */ {start,      impossible, impossible,   impossible,     impossible,           impossible,    impossible,   impossible, impossible,  impossible,   impossible},
    /* starting */ {impossible, spawned,    spawn_failed, pidfile_failed, impossible,           impossible,    impossible,   impossible, impossible,  impossible,   impossible},
    /* running  */ {impossible, impossible, impossible,   impossible,     exited,               impossible,    unchanged,    unchanged,  hard_killed, impossible,   replace_unhealthy},
    /* killed   */ {impossible, impossible, impossible,   impossible,     exited,               impossible,    impossible,   impossible, killed_again, impossible,  impossible},
    /* failing  */ {impossible, impossible, impossible,   impossible,     failing_child_reaped, impossible,    impossible,   impossible, unchanged,   failing_done, impossible},
    /* waiting  */ {impossible, impossible, impossible,   impossible,     impossible,           restart,       impossible,   impossible, impossible,  impossible,   impossible},
    /* done     */ {impossible, impossible, impossible,   impossible,     impossible,           impossible,    rerun,        forget,     impossible,  impossible,   impossible},
    /* failed   */ {impossible, impossible, impossible,   impossible,     impossible,           impossible,    rerun,        forget,     impossible,  impossible,   impossible},
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
        case Event::unhealthy: return "unhealthy";
    }
    return "?";
}

}  // namespace angel
