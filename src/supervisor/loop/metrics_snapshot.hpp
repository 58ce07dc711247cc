// One scrape: the engine's status of every id, its counters, the wall clock and
// /proc, gathered into the snapshot control/metrics_text renders. Shared by the
// HTTP server, `metricsfile` and `angelctl metrics`.
#pragma once

#include <cstdint>
#include <string>

#include "supervisor/engine/supervisor.hpp"

namespace angel {

/// The exposition of `engine` now; `start_time_seconds`: when angel started (Unix).
std::string scrape_metrics(const Supervisor& engine, std::int64_t start_time_seconds);

/// The wall clock in Unix seconds.
std::int64_t unix_seconds_now();

}  // namespace angel
