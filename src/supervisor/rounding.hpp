// The reference's two roundings of exact config numbers (spec 4.4, 4.5, defect D17).
#pragma once

#include <cstdint>

#include "configurator/value.hpp"

namespace angel {

/// Largest number of seconds a delay or termgrace is kept as: about 31.7 years.
/// The reference's `round n :: Int` wraps modulo 2^64 for absurd values (delay =
/// 1e30); we clamp instead, to a value that still fits std::chrono::nanoseconds
/// when added to a steady-clock time point.
inline constexpr std::int64_t kMaxSeconds = 1'000'000'000;

/// Most instances a `count` expands to. The reference enumerates [1..n] and would
/// exhaust memory for absurd counts (1e30); we stop here instead.
inline constexpr std::int64_t kMaxInstances = 100'000;

/// Haskell `round` on a Rational (half to even), clamped to [-kMaxSeconds, kMaxSeconds]:
/// 2.5 -> 2, 3.5 -> 4, 0.5 -> 0, 0.6 -> 1.
std::int64_t round_half_even(const configurator::Rational& n);

/// How many instances `count = n` (n >= 0) gives: the k = 1, 2, ... with k <= n + 1/2,
/// i.e. floor(n + 1/2) (half up: 0.5 -> 1, 2.5 -> 3), capped at kMaxInstances.
std::int64_t count_instances(const configurator::Rational& n);

}  // namespace angel
