// The generation table. Every cell is named: a transition, `impossible` (the engine
// never delivers that event in that state: a bug if it does), `unchanged` (expected,
// changes nothing) or `late` (a readiness message that crossed the generation's stop
// in the same turn of the loop: dropped).
#include "supervisor/decide/generation_table.hpp"

#include "supervisor/decide/table_cells.hpp"

namespace angel {
namespace {

using State = GenerationState;
using Event = GenerationEvent;
using Kind = GenerationActionKind;
using Facts = GenerationFacts;
using Transition = GenerationTransition;
using Cell = Transition (*)(State, const Facts&);

Transition to(State next) { return table::to<Transition>(next); }

void log(Transition& t, std::string_view message, Level level = Level::v2) {
    t.actions.push(GenerationAction{Kind::log, level, message, {}});
}

void act(Transition& t, Kind kind, std::string_view text = {}) {
    t.actions.push(GenerationAction{kind, Level::v2, {}, text});
}

constexpr Cell impossible = table::impossible<Transition, State, Facts>;

constexpr Cell unchanged = table::unchanged<Transition, State, Facts>;
constexpr Cell late = table::unchanged<Transition, State, Facts>;  // named apart: a message that crossed its stop

/// Ready and still wanted: its pidfile first (the outcome decides); no longer
/// wanted (a reload back, a removal, a shutdown while it started): stopped, never served.
Transition ready(State, const Facts& f) {
    if (!f.wanted) {
        Transition t = to(State::retiring);
        t.actions.push(GenerationAction{Kind::log_pid, Level::v2, msg::retiring, {}});
        act(t, Kind::stop);
        return t;
    }
    Transition t = to(State::starting);
    act(t, Kind::write_pidfile);
    return t;
}

Transition promoted(State, const Facts&) {
    Transition t = to(State::serving);
    log(t, msg::ready);
    act(t, Kind::serve);
    return t;
}

Transition pidfile_failed(State, const Facts& f) {
    Transition t = to(State::retiring);
    log(t, msg::pidfile_failed);
    act(t, Kind::report_error, f.text);
    act(t, Kind::stop);
    act(t, Kind::failed, msg::not_ready_pidfile);
    return t;
}

/// Not ready in time, or it said it never will be: stopped, and the block backs off.
Transition not_ready(State, const Facts& f) {
    Transition t = to(State::retiring);
    act(t, Kind::stop);
    act(t, Kind::failed, f.text);
    return t;
}

Transition eof(State, const Facts&) {
    Transition t = to(State::retiring);
    act(t, Kind::stop);
    act(t, Kind::failed, msg::not_ready_eof);
    return t;
}

Transition died_starting(State, const Facts&) {
    Transition t = to(State::gone);
    log(t, msg::ended);
    act(t, Kind::failed, msg::not_ready_exited);
    act(t, Kind::forget);
    return t;
}

/// Not wanted any more before it was ready: stopped. Nothing else of its slot moves.
Transition abandoned(State, const Facts&) {
    Transition t = to(State::retiring);
    act(t, Kind::stop);
    return t;
}

/// Died on its own while serving: as the original, ENDED, its pidfile goes, then
/// WAITING and a restart after the delay, or QUIT when its id has left the config.
Transition died_serving(State, const Facts& f) {
    Transition t = to(State::gone);
    log(t, msg::ended);
    if (f.has_pidfile) act(t, Kind::remove_pidfile);
    if (f.slot_desired) {
        log(t, msg::waiting);
        act(t, Kind::arm_restart);
    } else {
        log(t, msg::quit);
    }
    act(t, Kind::forget);
    return t;
}

Transition asks_to_stop(State, const Facts&) {
    Transition t = to(State::serving);
    act(t, Kind::recycle, msg::recycle_stopping);
    return t;
}

Transition recycle_due(State, const Facts& f) {
    Transition t = to(State::serving);
    act(t, Kind::recycle, f.text);
    return t;
}

/// Its checks failed (`check`): replaced start-first, as maxage replaces it; it
/// keeps serving until its replacement is ready, and a failed replacement backs off.
Transition unhealthy(State, const Facts& f) {
    Transition t = to(State::serving);
    act(t, Kind::recycle, f.text);
    return t;
}

Transition restart_asked(State, const Facts&) {
    Transition t = to(State::serving);
    act(t, Kind::recycle_asked, msg::recycle_requested);
    return t;
}

/// Its replacement is ready (or surge 0 makes room): RETIRING, then its kill sequence.
Transition retire(State, const Facts&) {
    Transition t = to(State::retiring);
    t.actions.push(GenerationAction{Kind::log_pid, Level::v2, msg::retiring, {}});
    act(t, Kind::stop);
    return t;
}

Transition died_retiring(State, const Facts& f) {
    Transition t = to(State::gone);
    if (f.was_ready) log(t, f.held ? msg::ended : msg::ended_replaced);
    act(t, Kind::forget);
    return t;
}

/// angelctl stop: a serving one RETIRING with nothing to replace it; a new one stopped.
Transition stop_asked(State state, const Facts& f) {
    return state == State::serving ? retire(state, f) : abandoned(state, f);
}

/// Its grace is over: it goes once it is reaped and its logger has ended.
Transition grace_over(State state, const Facts&) {
    Transition t = to(state);
    act(t, Kind::forget);
    return t;
}

// clang-format off
constexpr Cell kTable[kGenerationStates][kGenerationEvents] = {
    //             ready       pidfile_written pidfile_failed  ready_timeout readiness_eof exited         stopping      recycle_due  grace_elapsed spec_changed restart_asked replaced    stop_first  shutdown    stop_asked  unhealthy
    /* starting */ {ready,      promoted,       pidfile_failed, not_ready,    eof,          died_starting, unchanged,    impossible,  impossible,   abandoned,   impossible,   impossible, impossible, abandoned,  stop_asked, impossible},
    /* serving  */ {unchanged,  impossible,     impossible,     impossible,   unchanged,    died_serving,  asks_to_stop, recycle_due, impossible,   unchanged,   restart_asked, retire,    retire,     unchanged,  stop_asked, unhealthy},
    /* retiring */ {late,       impossible,     impossible,     impossible,   late,         died_retiring, late,         impossible,  grace_over,   unchanged,   impossible,   impossible, impossible, unchanged,  impossible, impossible},
    /* gone     */ {impossible, impossible,     impossible,     impossible,   impossible,   impossible,    impossible,   impossible,  grace_over,   unchanged,   impossible,   impossible, impossible, unchanged,  impossible, impossible},
};
// clang-format on

}  // namespace

GenerationTransition step(GenerationState state, GenerationEvent event, const GenerationFacts& facts) {
    return table::apply(kTable, state, event, facts);
}

std::string_view name_of(GenerationState state) {
    switch (state) {
        case State::starting: return "starting";
        case State::serving: return "serving";
        case State::retiring: return "retiring";
        case State::gone: return "gone";
    }
    return "?";
}

std::string_view name_of(GenerationEvent event) {
    switch (event) {
        case Event::ready: return "ready";
        case Event::pidfile_written: return "pidfile_written";
        case Event::pidfile_failed: return "pidfile_failed";
        case Event::ready_timeout: return "ready_timeout";
        case Event::readiness_eof: return "readiness_eof";
        case Event::exited: return "exited";
        case Event::stopping: return "stopping";
        case Event::recycle_due: return "recycle_due";
        case Event::grace_elapsed: return "grace_elapsed";
        case Event::spec_changed: return "spec_changed";
        case Event::restart_asked: return "restart_asked";
        case Event::replaced: return "replaced";
        case Event::stop_first: return "stop_first";
        case Event::shutdown: return "shutdown";
        case Event::stop_asked: return "stop_asked";
        case Event::unhealthy: return "unhealthy";
    }
    return "?";
}

}  // namespace angel
