// Timer durations from configured whole seconds.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace angel {

/// A timer duration that cannot overflow the clock, however large the configured value.
inline std::chrono::seconds capped_seconds(std::int64_t seconds) {
    constexpr std::int64_t kMax = std::int64_t{100} * 365 * 24 * 3600;  // a century
    return std::chrono::seconds(std::clamp<std::int64_t>(seconds, 0, kMax));
}

}  // namespace angel
