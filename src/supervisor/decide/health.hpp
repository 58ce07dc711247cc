// Health checks (`check`), decided: when an instance's checks begin, and what one
// check's result makes of it. Pure: the engine runs the probes and the timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// What one check's result makes of an instance.
enum class CheckVerdict : std::uint8_t {
    healthy,    ///< it passed: the run of failures is over
    failing,    ///< it failed, fewer than `checkfails` in a row (or more: already replaced)
    unhealthy,  ///< the `checkfails`-th failure in a row: replace it (once per run)
};

/// Counts one result into `failures` (consecutive failures so far) and judges it.
CheckVerdict count_check(std::int64_t& failures, bool ok, std::int64_t checkfails);

/// The stable share of `checkevery` by which instance `id` is offset, in [0, every):
/// a thousand programs started by one sync do not probe at the same instant.
std::chrono::milliseconds check_offset(std::string_view id, std::int64_t every);

/// When its first check is due: `checkevery` after a plain instance's start, at a
/// served instance's readiness; each plus its offset. Later checks follow every
/// `checkevery` after the one before began.
std::chrono::milliseconds first_check_after(std::string_view id, const CheckSpec& check, bool served);

/// The reason of a replacement, e.g. "3 checks failed in a row".
std::string unhealthy_reason(std::int64_t failures);

}  // namespace angel
