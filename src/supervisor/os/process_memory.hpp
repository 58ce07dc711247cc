// A live process's resident memory, from /proc/PID/statm: maxrss checks it at the
// poll, metrics at each scrape.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace angel {

/// Resident memory in bytes; nullopt if it cannot be read (the process is gone).
/// /proc answers from memory: this never stalls.
std::optional<std::uint64_t> resident_bytes(pid_t pid);

}  // namespace angel
