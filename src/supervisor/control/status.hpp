// What the control socket reports: a snapshot of each instance, plain data that
// the engine fills in and protocol.cpp renders. Here, above the engine, so that
// angelctl and the protocol need nothing of the engine's.
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
    /// Whether it is as it should be (angelctl status exits 0): running, or a one-shot
    /// that ended well and that `restart` keeps ended (`done`).
    bool running() const { return state == "running" || state == "done"; }
};

}  // namespace angel
