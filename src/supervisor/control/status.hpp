// What the control socket reports: a snapshot of each instance, plain data that
// the engine fills in and protocol.cpp renders. Here, above the engine, so that
// angelctl and the protocol need nothing of the engine's.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace angel {

/// What `angelctl status` says an instance is doing. The names are the protocol's.
enum class RunState : std::uint8_t {
    starting,  ///< its start is under way, or the sync that starts it is to come
    running,   ///< a live child (served: a ready one)
    waiting,   ///< its child ended; the restart delay runs
    stopping,  ///< its kill is under way (it left the config, or a restart)
    failed,    ///< its last start failed (the next sync tries again), or a one-shot ended badly
    done,      ///< a one-shot that ended well and that `restart` keeps ended
    stopped,   ///< angelctl stop holds it down until angelctl start
};

/// A child's part in its instance: the only one, or a served generation's.
enum class ChildRole : std::uint8_t { main, serving, fresh, retiring };

inline constexpr std::array<std::string_view, 7> kRunStateNames{"starting", "running", "waiting", "stopping", "failed",
                                                                   "done",     "stopped"};
inline constexpr std::array<std::string_view, 4> kChildRoleNames{"main", "serving", "new", "retiring"};

inline std::string_view name_of(RunState s) { return kRunStateNames[static_cast<std::size_t>(s)]; }
inline std::string_view name_of(ChildRole r) { return kChildRoleNames[static_cast<std::size_t>(r)]; }
/// The enum a name stands for, if any (a reply from another version of angel may hold others).
std::optional<RunState> run_state_named(std::string_view name);
std::optional<ChildRole> child_role_named(std::string_view name);

/// One child of an instance: its only one, or during a rollout each generation.
struct ChildStatus {
    ChildRole role = ChildRole::main;
    pid_t pid = 0;
    std::int64_t uptime_seconds = 0;
    std::optional<bool> ready;   ///< served programs only
};

/// A wait status as a number, as shells give it: the exit code, or 128 + the signal
/// that killed it; none for an unknown one (-1).
inline std::optional<int> exit_code_of(int wait_status) {
    if (wait_status < 0) return std::nullopt;
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return std::nullopt;
}

/// `check`: how its health checks stand (programs with a `check` while checked).
struct HealthStatus {
    std::string last;            ///< "ok", the last failure's reason, or "" before the first check
    std::int64_t failures = 0;   ///< consecutive failed checks
    std::uint64_t checks = 0;    ///< checks done by its current instance
};

struct InstanceStatus {
    std::string id;
    RunState state = RunState::starting;
    pid_t pid = 0;               ///< the serving (or only) child; 0 if none
    std::int64_t uptime_seconds = 0;
    std::chrono::steady_clock::time_point started_at{};  ///< of the running child (not sent)
    std::optional<std::int64_t> start_time_seconds;      ///< the same in Unix seconds (metrics)
    std::uint64_t restarts = 0;  ///< starts since angel started, less the first
    std::string last_exit;       ///< "exit 1", "signal 9 (KILL)", "" if none yet
    std::optional<int> last_exit_code;  ///< the same as a number: the exit code, or 128 + the signal
    std::string last_error;      ///< the last start's error line, if it failed
    std::optional<bool> ready;   ///< served programs: the serving child is ready
    std::optional<std::int64_t> wait_seconds;  ///< waiting: the restart wait (maxdelay's)
    std::vector<std::string> waiting_for;      ///< waiting: `after` holds its first start for these ids
    std::vector<ChildStatus> children;
    std::optional<HealthStatus> health;  ///< `check`: its current instance's checks
    /// Whether it is as it should be (angelctl status exits 0): running, or a one-shot
    /// that ended well and that `restart` keeps ended (`done`).
    bool running() const { return state == RunState::running || state == RunState::done; }
};

}  // namespace angel
