// Served programs seen from the engine: their events routed to their block, the
// blocks made at a sync and dropped once empty, the listening addresses kept.
#include <algorithm>

#include "supervisor/engine/supervisor.hpp"

namespace angel {

void Supervisor::route_slot(const std::string& id, const std::function<void(ServedBlock&, Slot&)>& handler) {
    guarded([&] {
        auto it = served_.find(id);
        if (it == served_.end()) return;
        Slot& slot = *it->second;
        handler(*slot.block, slot);
        sweep_blocks();
    });
}

void Supervisor::route_block(const std::string& name, const std::function<void(ServedBlock&)>& handler) {
    guarded([&] {
        auto it = blocks_.find(name);
        if (it == blocks_.end()) return;
        handler(*it->second);
        sweep_blocks();
    });
}

void Supervisor::sweep_blocks() {
    // Only at the end of an event: no block code is on the stack then.
    std::erase_if(blocks_, [](const auto& entry) { return entry.second->finished(); });
}

const ServedBlock* Supervisor::block(const std::string& name) const {
    auto it = blocks_.find(name);
    return it == blocks_.end() ? nullptr : it->second.get();
}

void Supervisor::internal_error(const std::string& id, std::string_view table, std::string_view event,
                                std::string_view state) {
    ++impossible_events_;  // tests and the model fuzzer check it stays 0
    fx_.log(Level::v1, program_context(id),
            std::string(msg::internal_error) + std::string(table) + ": event " + std::string(event) + " in state " +
                std::string(state));
}

void Supervisor::sync_served(const std::vector<std::string>& starts) {
    for (const std::string& id : starts) {
        auto want = desired_.find(id);
        if (want == desired_.end() || !is_served(want->second)) continue;
        if (instances_.contains(id) || served_.contains(id)) continue;
        if (hold_served(id)) continue;  // `after`: its slot waits
        const std::string& name = want->second.serve->group;
        auto& block = blocks_[name];
        if (!block) block = std::make_unique<ServedBlock>(*this, name);
        block->add_slot(id);
    }
    // Every block was counted against the config when it loaded (on_load), and a new
    // slot when it was added: the sync only acts.
    for (auto& [name, block] : blocks_) block->on_sync();  // maxrss, stale new instances stopped, next steps
    sweep_blocks();
    update_listeners();
}

void Supervisor::update_listeners() {
    std::vector<std::string> in_use;
    for (const auto& [id, spec] : desired_) {
        if (!spec.serve) continue;
        for (const ListenAddress& a : spec.serve->listen) in_use.push_back(a.text);
    }
    for (const auto& [name, block] : blocks_) block->listeners_in_use(in_use);
    std::sort(in_use.begin(), in_use.end());
    in_use.erase(std::unique(in_use.begin(), in_use.end()), in_use.end());
    fx_.keep_listeners(in_use);
}

}  // namespace angel
