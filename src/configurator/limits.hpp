// Limits that keep hostile input from exhausting the stack, memory or time. The
// reference has none of them (it is lazy, heap-allocated and arbitrary-precision);
// real configuration files stay far below each.
#pragma once

#include <cstddef>

namespace configurator {

/// Bytes in one file (the reference reads lazily and would stop at the first syntax
/// error of an endless device; whole-file reading needs a bound).
inline constexpr std::size_t kMaxFileBytes = std::size_t{256} << 20;

/// Bytes of one whole load: every file read and every import path text reached,
/// together (many large files, or paths that grow on every import, end here).
inline constexpr std::size_t kMaxLoadBytes = std::size_t{512} << 20;

/// Groups and lists nested inside each other (the parser recurses once per level).
inline constexpr std::size_t kMaxNesting = 1000;

/// Digits in one number literal, and the magnitude of its exponent: an exact value is
/// computed from them, whose size grows with both.
inline constexpr std::size_t kMaxNumberDigits = 4096;
inline constexpr long kMaxNumberExponent = 4096;

/// Bytes that interpolation may produce over a whole load (`b = "$(a)$(a)"`,
/// `c = "$(b)$(b)"`, ... doubles on every line).
inline constexpr std::size_t kMaxInterpolatedBytes = std::size_t{1} << 30;

/// Directives applied over a whole load, as a multiple of those parsed: files imported
/// many times over, each importing others many times, multiply without bound.
inline constexpr std::size_t kMaxApplyFactor = 64;
inline constexpr std::size_t kMinApplyBudget = std::size_t{1} << 24;

}  // namespace configurator
