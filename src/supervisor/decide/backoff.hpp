// The wait before a restart, with the opt-in `maxdelay` (crash-loop back-off). Pure.
#pragma once

#include <cstdint>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

struct Backoff {
    std::int64_t wait = 0;            ///< seconds before the restart
    std::int64_t quick_failures = 0;  ///< consecutive runs shorter than maxdelay, this one included
};

/// After a run of `ran` seconds, with `quick_failures` quick failures before it.
/// Without maxdelay: the original's fixed `delay` (0 restarts at once). With it: a run
/// shorter than maxdelay is a quick failure, and the k-th in a row waits
/// max(delay, 1) * 2^(k-1), at most maxdelay; a longer run waits `delay` and starts over.
Backoff restart_backoff(const ProgramSpec& spec, std::int64_t ran, std::int64_t quick_failures);

/// The k-th wait in a row (k >= 1): max(delay, 1) * 2^(k-1), at most max(limit, delay).
std::int64_t doubling_wait(std::int64_t delay, std::int64_t k, std::int64_t limit);

/// A served program's new instance failed for the k-th time in a row (k >= 1): the
/// same doubling, up to `maxdelay`, which for a served program defaults to
/// kServedMaxDelay (a broken deploy is retried, never hammered).
inline constexpr std::int64_t kServedMaxDelay = 60;
std::int64_t retry_backoff(const ProgramSpec& spec, std::int64_t k);

}  // namespace angel
