// What the control socket reports and asks of the engine: a snapshot of each
// instance (plain data, rendered elsewhere), and the progress counters a waiting
// request (restart, reload) compares against.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace angel {

/// One child of an instance: its only one, or during a rollout each generation.
struct ChildStatus {
    std::string role;            ///< "main", or for served programs "serving", "new", "retiring"
    pid_t pid = 0;
    std::int64_t uptime_seconds = 0;
    std::optional<bool> ready;   ///< served programs only
};

struct InstanceStatus {
    std::string id;
    std::string state;           ///< running, starting, waiting, stopping, failed
    pid_t pid = 0;               ///< the serving (or only) child; 0 if none
    std::int64_t uptime_seconds = 0;
    std::uint64_t restarts = 0;  ///< starts since angel started, less the first
    std::string last_exit;       ///< "exit 1", "signal 9 (KILL)", "" if none yet
    std::string last_error;      ///< the last start's error line, if it failed
    std::optional<bool> ready;   ///< served programs: the serving child is ready
    std::optional<std::int64_t> wait_seconds;  ///< waiting: the restart wait (maxdelay's)
    std::vector<ChildStatus> children;
    bool running() const { return state == "running"; }
};

/// Per id, since angel started: what a status shows and a restart waits for.
struct History {
    std::uint64_t starts = 0;         ///< children spawned
    std::uint64_t start_failures = 0; ///< spawns that failed, and new served children that never became ready
    std::uint64_t promotions = 0;     ///< served: new children that became the serving one
    std::string last_exit;
    std::string last_error;
};

/// "exit N" or "signal N (NAME)" for a wait status; "" for an unknown one (-1).
std::string describe_wait_status(int status);

}  // namespace angel
