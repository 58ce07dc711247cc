// What every transition table of decide/ shares: a table is a constexpr array of cell
// functions (state, facts) -> transition, and three kinds of cell need no logic of
// their own. Each table brings its own State, Facts and Transition (with `possible`,
// `next` and `actions`).
#pragma once

#include <cstddef>

namespace angel::table {

/// A transition to `next` with no action.
template <typename Transition, typename State>
Transition to(State next) {
    Transition t;
    t.next = next;
    return t;
}

/// The event cannot reach this state (the engine never delivers it: a bug if it does).
template <typename Transition, typename State, typename Facts>
Transition impossible(State state, const Facts&) {
    Transition t = to<Transition>(state);
    t.possible = false;
    return t;
}

/// Expected, and it changes nothing.
template <typename Transition, typename State, typename Facts>
Transition unchanged(State state, const Facts&) {
    return to<Transition>(state);
}

/// The cell of `table` for (state, event), applied.
template <typename Transition, typename State, typename Event, typename Facts, std::size_t S, std::size_t E>
Transition apply(Transition (*const (&table)[S][E])(State, const Facts&), State state, Event event, const Facts& facts) {
    return table[static_cast<std::size_t>(state)][static_cast<std::size_t>(event)](state, facts);
}

}  // namespace angel::table
