// The reference's two roundings of exact config numbers (spec 4.4, 4.5, defect D17).
#pragma once

#include <cstdint>

#include "configurator/value.hpp"

namespace angel {

/// Most instances a `count` expands to. The reference enumerates [1..n] and would
/// exhaust memory for absurd counts (1e30); we stop here instead.
inline constexpr std::int64_t kMaxInstances = 100'000;

/// Haskell `round n :: Int` on a Rational (half to even): 2.5 -> 2, 3.5 -> 4, 0.5 -> 0,
/// 0.6 -> 1. Like Haskell's Int it wraps modulo 2^64 for absurd values (1e30), so the
/// logged `Waiting N seconds` and spec comparisons match the original; timers clamp
/// the duration themselves (supervisor/durations.hpp).
std::int64_t round_half_even(const configurator::Rational& n);

/// How many instances `count = n` (n >= 0) gives: the k = 1, 2, ... with k <= n + 1/2,
/// i.e. floor(n + 1/2) (half up: 0.5 -> 1, 2.5 -> 3), capped at kMaxInstances.
std::int64_t count_instances(const configurator::Rational& n);

}  // namespace angel
