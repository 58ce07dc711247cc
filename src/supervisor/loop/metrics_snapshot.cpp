#include "supervisor/loop/metrics_snapshot.hpp"

#include <chrono>
#include <variant>

#include "supervisor/control/metrics_text.hpp"
#include "supervisor/os/process_memory.hpp"

#ifndef ANGEL_VERSION
#define ANGEL_VERSION "unknown"
#endif

namespace angel {

std::int64_t unix_seconds_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string scrape_metrics(const Supervisor& engine, const ClockAnchor& start) {
    control::MetricsSnapshot s;
    s.version = ANGEL_VERSION;
    s.start_time_seconds = start.unix_seconds;
    const Counters& counters = engine.counters();
    s.reloads_ok = counters.loads_ok;
    s.reloads_error = counters.loads_error;
    s.last_reload_ok = counters.last_load_ok;
    if (counters.last_load_success) s.last_reload_success_seconds = start.to_unix(*counters.last_load_success);
    auto ids = engine.match_ids({});
    if (auto* all = std::get_if<std::vector<std::string>>(&ids)) {
        std::vector<InstanceStatus> statuses = engine.status(*all);
        s.programs.reserve(statuses.size());
        for (InstanceStatus& status : statuses) {
            std::string block = engine.block_of(status.id);
            if (status.pid > 0) status.start_time_seconds = start.to_unix(status.started_at);
            std::optional<std::uint64_t> rss;
            if (status.pid > 0) rss = resident_bytes(status.pid);
            // A program with `check`: its instance is checked now, or one of it failed a check.
            std::optional<std::uint64_t> check_failures;
            if (auto it = counters.check_failures.find(status.id); it != counters.check_failures.end()) {
                check_failures = it->second;
            } else if (status.health) {
                check_failures = 0;
            }
            s.programs.push_back(control::ProgramMetrics{std::move(status), std::move(block), rss, check_failures});
        }
    }
    for (const auto& [block, rolling] : engine.served_blocks()) {
        control::BlockMetrics b{block, 0, 0, rolling};
        if (auto it = counters.rollouts.find(block); it != counters.rollouts.end()) {
            b.rollouts_done = it->second.done;
            b.rollouts_failed = it->second.failed;
        }
        s.blocks.push_back(std::move(b));
    }
    return control::render_metrics(s);
}

}  // namespace angel
