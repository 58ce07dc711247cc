// What a waiting control request (restart, reload) compares against: the progress
// counters the engine keeps per id; and the snapshot types it fills in for a status
// (control/status.hpp, where the protocol that renders them can see them).
#pragma once

#include <cstdint>
#include <string>

#include "supervisor/control/status.hpp"

namespace angel {

/// Per id, since angel started: what a status shows and a restart waits for.
struct History {
    std::uint64_t starts = 0;         ///< children spawned
    std::uint64_t start_failures = 0; ///< spawns that failed, and new served children that never became ready
    std::uint64_t promotions = 0;     ///< served: new children that became the serving one
    std::string last_exit;
    std::optional<int> last_exit_code;  ///< exit_code_of the same exit
    std::string last_error;
};

/// "exit N" or "signal N (NAME)" for a wait status; "" for an unknown one (-1).
std::string describe_wait_status(int status);

}  // namespace angel
