// The sync decision (spec 7.1): which running programs to kill, which to start. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// What a sync needs to know of one running-set entry.
struct RunningEntry {
    const ProgramSpec* started_with = nullptr;  ///< spec read at the entry's last START
    bool has_live_child = false;                ///< false while WAITING
};

/// The running set, by id (sorted, like the desired set).
using RunningSet = std::map<std::string, RunningEntry>;

/// A sync's plan: both lists in sorted id order.
struct SyncPlan {
    std::vector<std::string> kills;   ///< live, and removed or changed
    std::vector<std::string> starts;  ///< desired, with no running entry
};

/// One merge walk over both sorted maps: O(n) in the number of programs.
SyncPlan reconcile(const ProgramSpecs& desired, const RunningSet& running);

}  // namespace angel
