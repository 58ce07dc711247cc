// Prometheus' text exposition format (version 0.0.4) of angel's figures: a snapshot
// of plain data in, the text out. Pure: the daemon's HTTP server, `metricsfile` and
// `angelctl metrics` all render through here, and the unit tests run it without angel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "supervisor/control/status.hpp"

namespace angel::control {

/// The Content-Type of the text format, for HTTP.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

struct ProgramMetrics {
    InstanceStatus status;                       ///< as `angelctl status` shows it
    std::string block;                           ///< its program block (`web` for web-1)
    std::optional<std::uint64_t> resident_bytes; ///< of its (serving) process, when readable
    std::optional<std::uint64_t> check_failures; ///< `check`: failed checks since angel started
};

struct BlockMetrics {
    std::string block;  ///< a served program block
    std::uint64_t rollouts_done = 0;
    std::uint64_t rollouts_failed = 0;
    bool rollout_in_progress = false;
};

/// Times are Unix seconds (the wall clock at the scrape).
struct MetricsSnapshot {
    std::string version;
    std::int64_t start_time_seconds = 0;
    std::uint64_t reloads_ok = 0;    ///< config loads, the first one included
    std::uint64_t reloads_error = 0;
    bool last_reload_ok = true;
    std::optional<std::int64_t> last_reload_success_seconds;
    std::vector<ProgramMetrics> programs;
    std::vector<BlockMetrics> blocks;
};

/// A label value as the format writes it between double quotes: `\`, `"` and a
/// newline escaped (`\\`, `\"`, `\n`).
std::string escape_label_value(std::string_view value);

/// The whole exposition: every series with its # HELP and # TYPE, ending in a newline.
std::string render_metrics(const MetricsSnapshot& snapshot);

}  // namespace angel::control
