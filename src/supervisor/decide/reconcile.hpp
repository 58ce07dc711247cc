// The sync decision (spec 7.1): for every id in the desired or running set, what
// to do with it, with the data needed to do it. Pure.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// What a sync needs to know of one running-set entry.
struct RunningEntry {
    const ProgramSpec* started_with = nullptr;  ///< spec read at the entry's last START
    bool has_live_child = false;                ///< false while WAITING, killed or failing
    pid_t pid = 0;                              ///< the live child, 0 if none
    pid_t logger_pid = 0;                       ///< its live logger, 0 if none
    bool served = false;                        ///< a served slot, not an original instance
    bool ended = false;                         ///< done/failed: `restart` keeps it ended, no child
    bool held = false;                          ///< stopped by angelctl stop: kept whatever its spec, no child
    bool pending = false;                       ///< `after` holds its first start: kept while desired
};

/// The running set, by id (sorted, like the desired set).
using RunningSet = std::map<std::string, RunningEntry>;

/// What a kill needs, captured when the sync decides (spec 7.1 step 3): a later
/// exit, restart or reload does not change whom the kill is for.
struct StopTarget {
    pid_t pid = 0;
    pid_t logger_pid = 0;
    bool has_logger = false;                 ///< the started-with spec has a logger
    std::optional<std::int64_t> termgrace;   ///< of the started-with spec
    std::optional<std::string> pidfile;      ///< of the started-with spec, removed after the kills
    bool group = false;                      ///< killgroup: the program's signals go to its group
    int signal = kDefaultStopSignal;         ///< stopsignal: what asks the program to stop (then KILL)
};

/// The kill of a child started with `spec` (logger, termgrace, killgroup, stopsignal), its
/// pidfile left out: only a sync's kill removes it (D22), and only when it was written.
StopTarget stop_target_of(const ProgramSpec& spec, pid_t pid, pid_t logger_pid);

enum class DecisionKind {
    start,    ///< desired, no running entry: start a supervisor for it
    stop,     ///< running with a live child, no longer desired: kill it
    replace,  ///< running with a live child, desired with another spec: kill it; its
              ///< own WAITING -> RESTART brings the new spec (kill-then-restart)
    roll,     ///< a served slot whose desired spec changed: a start-first rollout (no kill)
    rerun,    ///< an ended one-shot (done/failed) whose desired spec changed: run it again
    forget,   ///< an ended one-shot, or a stopped one, no longer desired (or changing kind): it
              ///< leaves the running set
    keep,     ///< anything else: left alone
};

/// One id's decision. `spec` is the desired spec (start, replace, keep of a desired
/// id) or the started-with spec (stop, keep of a removed id); it points into the
/// sets reconcile was given and is valid until they change.
struct Decision {
    DecisionKind kind = DecisionKind::keep;
    std::string id;
    const ProgramSpec* spec = nullptr;
    StopTarget target;  ///< stop and replace only
};

/// A sync's plan: one decision per id, in sorted id order.
struct SyncPlan {
    std::vector<Decision> decisions;
    std::size_t kills = 0;   ///< stop + replace: the N of `Must kill=N`
    std::size_t starts = 0;  ///< the M of `must start=M` (reruns included)

    bool empty() const { return kills == 0 && starts == 0; }
};

/// One merge walk over both sorted maps: O(n) in the number of programs. An id that
/// changes between served and original is stopped (if live) and started by a later
/// sync, once its old entry is gone: the two kinds never share an id.
SyncPlan reconcile(const ProgramSpecs& desired, const RunningSet& running);

}  // namespace angel
