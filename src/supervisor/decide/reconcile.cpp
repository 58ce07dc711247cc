// The sync decision: one merge walk over the desired and running sets (spec 7.1).
#include "supervisor/decide/reconcile.hpp"

namespace angel {
namespace {

/// Whether a live running entry must be killed although its id is still desired.
bool changed(const RunningEntry& entry, const ProgramSpec& desired) {
    // An entry without a recorded spec cannot be shown unchanged: treat it as changed.
    return entry.started_with == nullptr || *entry.started_with != desired;
}

}  // namespace

SyncPlan reconcile(const ProgramSpecs& desired, const RunningSet& running) {
    SyncPlan plan;
    auto want = desired.begin();
    auto have = running.begin();
    while (want != desired.end() || have != running.end()) {
        if (have == running.end() || (want != desired.end() && want->first < have->first)) {
            plan.starts.push_back(want->first);  // desired, not running
            ++want;
        } else if (want == desired.end() || have->first < want->first) {
            if (have->second.has_live_child) plan.kills.push_back(have->first);  // removed
            ++have;
        } else {
            if (have->second.has_live_child && changed(have->second, want->second)) {
                plan.kills.push_back(have->first);
            }
            ++want;
            ++have;
        }
    }
    return plan;
}

}  // namespace angel
