// The sync step (spec 7.1): reconcile, `Must kill=N, must start=M`, the kills one
// after another in id order (D10, kept), the pidfiles of the killed, the starts.
#include "supervisor/engine/supervisor.hpp"

namespace angel {

void Supervisor::sync() {
    fx_.reap_now();  // decide on what is alive now, not on a SIGCHLD still in the queue
    look_at_pending_ = true;  // a load may have changed what `after` names (or forgotten them)
    RunningSet view;
    for (const auto& [id, inst] : instances_) {
        // Only a running instance can be killed; waiting, killed and failing ones are
        // left alone, and their presence keeps the sync from starting them twice.
        RunningEntry entry{&inst->spec, inst->state == InstanceState::running, inst->pid, inst->logger_pid};
        entry.ended = inst->state == InstanceState::done || inst->state == InstanceState::failed;
        entry.held = inst->state == InstanceState::stopped;
        entry.pending = inst->state == InstanceState::pending;
        view.emplace_hint(view.end(), id, entry);
    }
    for (const std::string& id : held_served_) {
        // `after` holds it before its slot exists: kept while desired, forgotten once not.
        RunningEntry entry{nullptr, false, 0, 0, true};
        entry.pending = true;
        view.emplace(id, entry);
    }
    for (const auto& [id, slot] : served_) {
        // A served slot is killed by a sync only when it leaves the config: its serving
        // instance goes through the kill queue, as an original one would.
        const Generation* serving = slot->serving();
        const Generation* shown = serving != nullptr ? serving : slot->candidate();
        const bool live = serving != nullptr && serving->alive();
        // An id that moved to another block is, for reconcile, a change of kind: stopped now,
        // started in its new block once its slot is gone.
        auto want = desired_.find(id);
        const bool other_block = want != desired_.end() && is_served(want->second) &&
                                 want->second.serve->group != slot->block->name();
        view.emplace(id, RunningEntry{shown ? &shown->spec : nullptr, live, live ? serving->pid : 0,
                                      live ? serving->logger_pid : 0, !other_block});
    }
    SyncPlan plan = reconcile(desired_, view);
    // Ended one-shots and stopped programs that left the config go now: no kill to wait for.
    for (const Decision& d : plan.decisions) {
        if (d.kind != DecisionKind::forget) continue;
        held_served_.erase(d.id);
        if (Instance* inst = find(d.id)) dispatch(*inst, InstanceEvent::removed);
    }
    if (plan.empty()) {
        sync_served({});
        return finish_work();
    }
    work_outcome_.text = std::string(msg::must_kill) + std::to_string(plan.kills) + std::string(msg::must_start) +
                         std::to_string(plan.starts);
    fx_.log(Level::v2, msg::ctx_monitor, work_outcome_.text);
    SyncRun run;
    run.kills.reserve(plan.kills);
    run.starts.reserve(plan.starts);
    for (Decision& d : plan.decisions) {
        switch (d.kind) {
            case DecisionKind::stop:
            case DecisionKind::replace:
                // The spec pointer is not kept: a shutdown may clear the desired set
                // while this sync waits; the captured target is all a kill needs.
                d.spec = nullptr;
                run.kills.push_back(std::move(d));
                break;
            case DecisionKind::start:
            case DecisionKind::rerun:
                run.starts.push_back(std::move(d.id));
                break;
            case DecisionKind::forget:  // done above
            case DecisionKind::roll:  // every served block is decided again at the end of the sync
            case DecisionKind::keep:
                break;
        }
    }
    // `after`: what waits for others stops before them (id order without it, D10).
    order_stops(run.kills);
    order_starts(run.starts);
    sync_.emplace(std::move(run));
    advance_sync();
}

void Supervisor::advance_sync() {
    while (sync_ && sync_->next_kill < sync_->kills.size()) {
        const Decision& d = sync_->kills[sync_->next_kill++];
        if (Instance* inst = find(d.id); inst && inst->pid > 0 && inst->pid == d.target.pid) {
            dispatch(*inst, d.kind == DecisionKind::replace ? InstanceEvent::spec_changed : InstanceEvent::removed);
        }
        sync_->active = std::make_unique<StopRun>(*this, d.id, d.target, [this] { advance_sync(); });
        if (!sync_->active->begin()) return;  // its grace timer carries the sync on
    }
    if (sync_) end_sync();
}

void Supervisor::end_sync() {
    // Pidfiles of killed programs go as soon as the kills are done, even if a
    // process survives its TERM (D22, as the original).
    for (const Decision& d : sync_->kills) {
        if (d.target.pidfile) fx_.remove_file(*d.target.pidfile);
    }
    std::vector<std::string> starts = std::move(sync_->starts);
    sync_->active.reset();
    // In id order (D24), new ids and ended one-shots whose spec changed alike (with
    // `after`, in dependency order).
    for (const std::string& id : starts) {
        if (Instance* inst = find(id)) {
            if (inst->state == InstanceState::done || inst->state == InstanceState::failed) {
                dispatch(*inst, InstanceEvent::spec_changed);  // runs it again
            }
            continue;
        }
        if (served_.contains(id)) continue;
        if (auto want = desired_.find(id); want != desired_.end() && is_served(want->second)) continue;
        start_new(id);  // START, or held by `after`
    }
    sync_served(starts);
    finish_work();
}

void Supervisor::stop_signal(const std::string& id, pid_t pid, int sig, bool group) {
    if (pid <= 0) return;
    if (group) {
        // killgroup: the whole group, even once its leader is reaped within this stop
        // (a child that ignores TERM is the point). A group id cannot be reused while the
        // group has a member; once all are gone, another group could take the id only
        // after the kernel's pid counter wrapped within this one grace period.
        fx_.signal(-pid, sig);
        return;
    }
    // Only an unreaped child of this program (or its logger): once reaped, the pid
    // may already belong to another child of ours.
    auto child = children_.find(pid);
    if (child != children_.end() && child->second.id == id) fx_.signal(pid, sig);
}

void Supervisor::stop_hard_killed(const std::string& id, pid_t pid) {
    // Only the instance's current child: a new generation started since is not it.
    if (Instance* inst = find(id); inst && pid > 0 && inst->pid == pid) dispatch(*inst, InstanceEvent::hard_killed);
}

}  // namespace angel
