// One scrape: the engine's status of every id, its counters, the wall clock and
// /proc, gathered into the snapshot control/metrics_text renders. Shared by the
// HTTP server, `metricsfile` and `angelctl metrics`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "supervisor/engine/supervisor.hpp"

namespace angel {

/// When angel started, on both clocks: the engine keeps the steady clock, and a steady
/// time turns into wall time through this one pair, so that a time shown once (a
/// program's start, the last good load) is the same number at every scrape.
struct ClockAnchor {
    std::int64_t unix_seconds = 0;
    Clock::time_point steady{};
    std::int64_t to_unix(Clock::time_point t) const {
        return unix_seconds + std::chrono::duration_cast<std::chrono::seconds>(t - steady).count();
    }
};

/// The exposition of `engine` now.
std::string scrape_metrics(const Supervisor& engine, const ClockAnchor& start);

/// The wall clock in Unix seconds.
std::int64_t unix_seconds_now();

}  // namespace angel
