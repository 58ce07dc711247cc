// The sync decision: one merge walk over the desired and running sets (spec 7.1).
#include "supervisor/decide/reconcile.hpp"

namespace angel {
namespace {

/// Whether a live running entry must be killed although its id is still desired.
bool changed(const RunningEntry& entry, const ProgramSpec& desired) {
    // An entry without a recorded spec cannot be shown unchanged: treat it as changed.
    return entry.started_with == nullptr || *entry.started_with != desired;
}

StopTarget stop_target(const RunningEntry& entry) {
    if (entry.started_with == nullptr) return StopTarget{entry.pid, entry.logger_pid, false, std::nullopt, std::nullopt};
    StopTarget target = stop_target_of(*entry.started_with, entry.pid, entry.logger_pid);
    target.pidfile = entry.started_with->pidfile;
    return target;
}

}  // namespace

StopTarget stop_target_of(const ProgramSpec& spec, pid_t pid, pid_t logger_pid) {
    StopTarget target{pid, logger_pid, spec.logger.has_value(), spec.termgrace, std::nullopt, spec.killgroup};
    target.signal = spec.stopsignal;
    return target;
}

SyncPlan reconcile(const ProgramSpecs& desired, const RunningSet& running) {
    SyncPlan plan;
    auto add = [&plan](DecisionKind kind, const std::string& id, const ProgramSpec* spec, StopTarget target) {
        plan.decisions.push_back(Decision{kind, id, spec, std::move(target)});
        if (kind == DecisionKind::stop || kind == DecisionKind::replace) ++plan.kills;
        if (kind == DecisionKind::start || kind == DecisionKind::rerun) ++plan.starts;
    };
    // An entry that goes (its id left, or changes kind): a live child is killed, an ended
    // one-shot or a stopped one leaves at once, anything else (waiting, dying) is left to
    // end on its own. A stopped one that stays is kept, whatever its spec (a change waits
    // for angelctl start, which reads the desired spec).
    auto remove = [&add](const std::string& id, const RunningEntry& entry) {
        if (entry.has_live_child) return add(DecisionKind::stop, id, entry.started_with, stop_target(entry));
        add(entry.ended || entry.held || entry.pending ? DecisionKind::forget : DecisionKind::keep, id,
            entry.started_with, {});
    };
    auto want = desired.begin();
    auto have = running.begin();
    while (want != desired.end() || have != running.end()) {
        if (have == running.end() || (want != desired.end() && want->first < have->first)) {
            add(DecisionKind::start, want->first, &want->second, {});  // desired, not running
            ++want;
        } else if (want == desired.end() || have->first < want->first) {
            remove(have->first, have->second);  // no longer desired
            ++have;
        } else {
            const RunningEntry& entry = have->second;
            if (entry.pending && entry.served == is_served(want->second)) {
                // Not started yet: its start reads the spec desired then, whatever it is now.
                add(DecisionKind::keep, have->first, &want->second, {});
            } else if (entry.served != is_served(want->second)) {
                remove(have->first, entry);  // the kind changes: a start once the entry is gone
            } else if (entry.served) {
                // A rollout starts new instances before the old ones go: nothing to kill here.
                add(changed(entry, want->second) ? DecisionKind::roll : DecisionKind::keep, have->first,
                    &want->second, {});
            } else if (entry.has_live_child && changed(entry, want->second)) {
                add(DecisionKind::replace, have->first, &want->second, stop_target(entry));
            } else if (entry.ended && changed(entry, want->second)) {
                add(DecisionKind::rerun, have->first, &want->second, {});
            } else {
                add(DecisionKind::keep, have->first, &want->second, {});
            }
            ++want;
            ++have;
        }
    }
    return plan;
}

}  // namespace angel
