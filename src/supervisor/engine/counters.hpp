// The engine's running totals that metrics show and nothing decides on: config loads
// and rollouts. Each is bumped by a one-line call where the event happens.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "supervisor/engine/effects.hpp"

namespace angel {

/// One served block's rollouts since angel started.
struct RolloutCounts {
    std::uint64_t done = 0;    ///< rollouts that ended with every instance on the new spec
    std::uint64_t failed = 0;  ///< new instances that never became ready (each try counts)
};

struct Counters {
    std::uint64_t loads_ok = 0;     ///< config loads, the first one included
    std::uint64_t loads_error = 0;
    bool last_load_ok = true;
    std::optional<Clock::time_point> last_load_success;
    std::map<std::string, RolloutCounts> rollouts;  ///< by block
    std::map<std::string, std::uint64_t> check_failures;  ///< `check`: failed checks, by program id

    void load_succeeded(Clock::time_point now) {
        ++loads_ok;
        last_load_ok = true;
        last_load_success = now;
    }
    void load_failed() {
        ++loads_error;
        last_load_ok = false;
    }
    void rollout_done(const std::string& block) { ++rollouts[block].done; }
    void rollout_failed(const std::string& block) { ++rollouts[block].failed; }
    void check_failed(const std::string& id) { ++check_failures[id]; }
};

}  // namespace angel
