// The stop table (spec 7.7). Every cell named, as in the instance table.
#include "supervisor/decide/stop_table.hpp"

#include "supervisor/decide/table_cells.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {
namespace {

using State = StopState;
using Kind = StopActionKind;
using Transition = StopTransition;
using Cell = Transition (*)(State, const StopFacts&);

void log(Transition& t, std::string line) { t.actions.push(StopAction{Kind::log, std::move(line), 0, 0}); }
void act(Transition& t, Kind kind) { t.actions.push(StopAction{kind, {}, 0, 0}); }

/// The program's stop signal: the only action that carries one.
void term_program(Transition& t, const StopFacts& f) {
    t.actions.push(StopAction{Kind::term_program, {}, 0, f.signal});
}

std::string line(std::string_view a, std::string_view id, std::string_view b = {}) {
    std::string out(a);
    out += id;
    out += b;
    return out;
}

/// TERM, then the wait: the first half of a termgrace kill.
void term_and_wait(Transition& t, const StopFacts& f, Kind term) {
    log(t, line(msg::attempting_soft_kill, f.id, msg::before_hard_killing));
    if (term == Kind::term_program) {
        term_program(t, f);
    } else {
        act(t, term);
    }
    const std::int64_t grace = *f.termgrace;
    log(t, line(msg::waiting_prefix, std::to_string(grace), line(msg::seconds_for, f.id, msg::to_die)));
    t.actions.push(StopAction{Kind::arm_grace, {}, grace, 0});
}

constexpr Cell impossible = table::impossible<Transition, State, StopFacts>;

Transition begin(State, const StopFacts& f) {
    Transition t;
    if (!f.termgrace) {
        log(t, line(msg::soft_killing, f.id));
        term_program(t, f);
        if (f.has_logger) {
            log(t, line(msg::soft_killing, f.id));
            act(t, Kind::term_logger);
        }
        act(t, Kind::done);
        t.next = State::idle;
        return t;
    }
    term_and_wait(t, f, Kind::term_program);
    t.next = State::program_grace;
    return t;
}

Transition program_grace_over(State, const StopFacts& f) {
    Transition t;
    log(t, line(msg::hard_killing, f.id));
    act(t, Kind::kill_program);
    if (f.has_logger) {
        term_and_wait(t, f, Kind::term_logger);
        t.next = State::logger_grace;
        return t;
    }
    act(t, Kind::done);
    t.next = State::idle;
    return t;
}

Transition logger_grace_over(State, const StopFacts& f) {
    Transition t;
    log(t, line(msg::hard_killing, f.id));
    act(t, Kind::kill_logger);
    act(t, Kind::done);
    t.next = State::idle;
    return t;
}

// clang-format off
constexpr Cell kTable[kStopStates][kStopEvents] = {
    //                  begin       grace_elapsed
    /* idle          */ {begin,      impossible},
    /* program_grace */ {impossible, program_grace_over},
    /* logger_grace  */ {impossible, logger_grace_over},
};
// clang-format on

}  // namespace

StopTransition step(StopState state, StopEvent event, const StopFacts& facts) {
    return table::apply(kTable, state, event, facts);
}

std::string_view name_of(StopState state) {
    switch (state) {
        case State::idle: return "idle";
        case State::program_grace: return "program_grace";
        case State::logger_grace: return "logger_grace";
    }
    return "?";
}

}  // namespace angel
