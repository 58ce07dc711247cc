// What metrics read of the engine beyond a status: an id's program block and the
// served blocks' rollouts. One short pass each; nothing here changes the state.
#include <algorithm>

#include "supervisor/engine/supervisor.hpp"

namespace angel {
namespace {

/// `count` gives instance k the id NAME-k and env ANGEL_PROCESS_NUMBER=k: the block is NAME.
std::string block_from_count(const ProgramSpec& spec) {
    auto number = std::find_if(spec.env.begin(), spec.env.end(),
                               [](const EnvEntry& e) { return e.first == "ANGEL_PROCESS_NUMBER"; });
    if (number == spec.env.end()) return spec.id;
    const std::string suffix = "-" + number->second;
    if (spec.id.size() <= suffix.size() || !spec.id.ends_with(suffix)) return spec.id;
    return spec.id.substr(0, spec.id.size() - suffix.size());
}

}  // namespace

std::string Supervisor::block_of(const std::string& id) const {
    const ProgramSpec* spec = nullptr;
    if (auto it = desired_.find(id); it != desired_.end()) {
        spec = &it->second;
    } else if (const Instance* inst = instance(id)) {
        spec = &inst->spec;
    } else if (const Slot* sl = slot(id)) {
        return sl->block->name();
    }
    if (spec == nullptr) return id;
    if (spec->serve) return spec->serve->group;
    return block_from_count(*spec);
}

std::map<std::string, bool> Supervisor::served_blocks() const {
    std::map<std::string, bool> blocks;
    for (const auto& [name, block] : blocks_) blocks[name] = block->rolling();
    // A block whose rollouts were counted but which serves nothing now still shows them.
    for (const auto& [name, counts] : counters_.rollouts) blocks.try_emplace(name, false);
    return blocks;
}

}  // namespace angel
