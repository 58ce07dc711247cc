// `after`, carried out: a new program whose dependencies do not run yet is held
// (a plain one in the instance table's `pending` state, a served one before its slot
// exists) and released once they run; a sync's starts go in dependency order and its
// stops in the reverse order. The decisions are decide/start_order's.
#include "supervisor/decide/start_order.hpp"
#include "supervisor/engine/supervisor.hpp"

namespace angel {
namespace {

bool any_after(const ProgramSpecs& specs, const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
        if (auto it = specs.find(id); it != specs.end() && !it->second.after.empty()) return true;
    }
    return false;
}

}  // namespace

bool Supervisor::runs(const std::string& id) const {
    // A one-shot that ended well (`done`) has done what a program after it waits for.
    if (const Instance* inst = instance(id)) {
        return inst->state == InstanceState::running || inst->state == InstanceState::done;
    }
    if (const Slot* sl = slot(id)) return sl->serving() != nullptr;  // serving: it was ready
    return false;
}

std::vector<std::string> Supervisor::waiting_of(const std::string& id) const {
    auto want = desired_.find(id);
    if (want == desired_.end() || want->second.after.empty()) return {};
    return waiting_for(desired_, want->second, [this](const std::string& dep) { return runs(dep); });
}

bool Supervisor::is_pending(const std::string& id) const {
    if (const Instance* inst = instance(id)) return inst->state == InstanceState::pending;
    return held_served_.contains(id);
}

void Supervisor::start_new(const std::string& id) {
    Instance& inst = new_instance(id);
    const std::vector<std::string> waiting = waiting_of(id);
    if (waiting.empty()) return dispatch(inst, InstanceEvent::start);
    pending_.insert(id);
    await(waiting);
    dispatch(inst, InstanceEvent::deps_missing, joined(waiting));
}

bool Supervisor::hold_served(const std::string& id) {
    if (held_served_.contains(id)) return true;
    const std::vector<std::string> waiting = waiting_of(id);
    if (waiting.empty()) return false;
    held_served_.insert(id);
    pending_.insert(id);
    await(waiting);
    fx_.log(Level::v2, program_context(id), std::string(msg::waiting_for) + joined(waiting));
    return true;
}

void Supervisor::await(const std::vector<std::string>& waiting) { awaited_.insert(waiting.begin(), waiting.end()); }

void Supervisor::began_to_run(const std::string& id) {
    if (awaited_.contains(id)) look_at_pending_ = true;
}

void Supervisor::release_pending() {
    if (!look_at_pending_) return;  // nothing they wait for began to run, and no sync
    if (pending_.empty() || scheduler_.shutdown_requested()) {
        look_at_pending_ = false;
        awaited_.clear();
        return;
    }
    // A release may let another go (a chain): again until a pass releases nothing. That
    // last pass sees every held id, so what it leaves in awaited_ is all they wait for.
    for (bool released = true; released;) {
        released = false;
        look_at_pending_ = false;
        awaited_.clear();
        for (auto it = pending_.begin(); it != pending_.end();) {
            const std::string id = *it;
            if (!is_pending(id)) {  // started, or forgotten
                it = pending_.erase(it);
                continue;
            }
            if (!desired_.contains(id)) {  // gone from the config: the next sync forgets it
                ++it;
                continue;
            }
            if (std::vector<std::string> waiting = waiting_of(id); !waiting.empty()) {
                await(waiting);
                ++it;
                continue;
            }
            it = pending_.erase(it);
            released = true;
            if (Instance* inst = find(id)) {
                dispatch(*inst, InstanceEvent::deps_ready);
            } else {
                // A served one starts as any new served id: by the next sync, now.
                held_served_.erase(id);
                scheduler_.request_tick();
                pump();
            }
            break;  // the set may have changed under the walk: walk again
        }
    }
}

void Supervisor::order_starts(std::vector<std::string>& starts) const {
    if (!any_after(desired_, starts)) return;  // the original's id order (D24)
    auto graph = after_graph(desired_);
    if (auto* g = std::get_if<AfterGraph>(&graph)) {
        if (auto order = topological_order(starts, *g)) starts = std::move(*order);
    }
}

void Supervisor::order_stops(std::vector<Decision>& kills) const {
    if (kills.size() < 2) return;
    // Without `after` among what runs, nothing to order and nothing copied: id order (D10).
    const auto shown = [](const Slot& sl) { return sl.serving() != nullptr ? sl.serving() : sl.candidate(); };
    bool after = false;
    for (const auto& [id, inst] : instances_) after = after || !inst->spec.after.empty();
    for (const auto& [id, sl] : served_) after = after || (shown(*sl) != nullptr && !shown(*sl)->spec.after.empty());
    if (!after) return;
    // The started-with specs of what runs now: the desired set is cleared at shutdown.
    ProgramSpecs running;
    for (const auto& [id, inst] : instances_) running.emplace(id, inst->spec);
    for (const auto& [id, sl] : served_) {
        if (const Generation* g = shown(*sl)) running.emplace(id, g->spec);
    }
    AfterGraph graph;
    for (const auto& [id, spec] : running) {
        for (const std::string& name : spec.after) {
            for (std::string& dep : ids_named(running, name)) graph[id].push_back(std::move(dep));
        }
    }
    std::vector<std::string> ids;
    ids.reserve(kills.size());
    for (const Decision& d : kills) ids.push_back(d.id);
    const std::vector<std::string> order = stop_order(ids, graph);
    std::map<std::string, Decision> by_id;
    for (Decision& d : kills) by_id.emplace(d.id, std::move(d));
    kills.clear();
    for (const std::string& id : order) kills.push_back(std::move(by_id.at(id)));
}

}  // namespace angel
