// Crash-loop back-off: doubling from max(delay, 1) up to maxdelay.
#include "supervisor/decide/backoff.hpp"

#include <algorithm>

namespace angel {

Backoff restart_backoff(const ProgramSpec& spec, std::int64_t ran, std::int64_t quick_failures) {
    const std::int64_t delay = delay_seconds(spec);
    if (!spec.maxdelay || ran >= *spec.maxdelay) return Backoff{delay, 0};
    const std::int64_t k = quick_failures + 1;
    return Backoff{doubling_wait(delay, k, *spec.maxdelay), k};
}

std::int64_t doubling_wait(std::int64_t delay, std::int64_t k, std::int64_t limit) {
    std::int64_t wait = std::max<std::int64_t>(delay, 1);
    for (std::int64_t i = 1; i < k && wait < limit; ++i) wait *= 2;
    return std::min(std::max(wait, delay), std::max(limit, delay));
}

std::int64_t retry_backoff(const ProgramSpec& spec, std::int64_t k) {
    return doubling_wait(delay_seconds(spec), k, spec.maxdelay.value_or(kServedMaxDelay));
}

}  // namespace angel
