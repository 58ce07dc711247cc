// Killing one program's process generation (spec 7.7) as a transition table.
//   soft (no termgrace): `Soft killing ID` + TERM, and the same for its logger; done.
//   termgrace G: TERM, wait G, `Hard killing ID` + KILL; then the same for its logger.
// The wait always lasts G seconds and `Hard killing` is always logged (D9, kept):
// a child that dies early only means no SIGKILL is sent (the engine's pid index
// knows it is gone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "supervisor/decide/actions.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

enum class StopState : std::uint8_t {
    idle,           ///< not started, or done
    program_grace,  ///< TERM sent to the program; waiting its grace
    logger_grace,   ///< TERM sent to the logger; waiting its grace
};
inline constexpr std::size_t kStopStates = 3;

enum class StopEvent : std::uint8_t {
    begin,          ///< start killing
    grace_elapsed,  ///< the grace timer fired
};
inline constexpr std::size_t kStopEvents = 2;

std::string_view name_of(StopState state);

struct StopFacts {
    std::string_view id;
    bool has_logger = false;
    std::optional<std::int64_t> termgrace;  ///< nullopt: soft kill, no wait
    int signal = kDefaultStopSignal;        ///< stopsignal: the program's first signal (its logger gets TERM)
};

enum class StopActionKind : std::uint8_t {
    log,             ///< log `line` in {process-killer}
    term_program,    ///< `signal` (stopsignal, TERM by default) to the program, if it is still a live child
    term_logger,     ///< SIGTERM to the logger, if it is still a live child
    kill_program,    ///< SIGKILL to the program, if it is still a live child
    kill_logger,     ///< SIGKILL to the logger, if it is still a live child
    arm_grace,       ///< arm the grace timer for `seconds`
    done,            ///< the sequence is over (last action)
};

struct StopAction {
    StopActionKind kind = StopActionKind::log;
    std::string line;          ///< log
    std::int64_t seconds = 0;  ///< arm_grace
    int signal = 0;            ///< term_program: the stop signal
};

struct StopTransition {
    bool possible = true;
    StopState next = StopState::idle;
    ActionList<StopAction, 8> actions;
};

StopTransition step(StopState state, StopEvent event, const StopFacts& facts);

}  // namespace angel
