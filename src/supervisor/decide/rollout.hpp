// The rollout decision for one served program block (its `count` slots): which new
// instances to start, which not-ready ones to kill, which old one to stop first. Pure;
// the engine asks again after every event that changes a slot.
//
// Budget: the block's live instances (serving, not ready yet, and shutting down) stay
// at most count + surge. Slots without a serving instance come first (capacity), then
// slots whose serving instance is stale (old spec, or asked to be recycled), oldest
// first. With no budget and nothing in flight (surge 0), the oldest stale instance is
// stopped first, one at a time: the original's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace angel {

struct SlotView {
    bool desired = false;          ///< the id is in the config, served, in this block
    bool serving = false;          ///< it has a ready instance
    bool serving_stale = false;    ///< ... whose spec is not the desired one, or that must be recycled
    std::uint64_t serving_age = 0; ///< its generation number: smaller = older
    bool candidate = false;        ///< it has a new instance that is not ready yet
    bool candidate_stale = false;  ///< ... started from a spec that is no longer desired
    bool held = false;             ///< its serving instance died; its restart delay runs
    std::size_t retiring = 0;      ///< its instances being stopped and not yet reaped
};

struct RolloutPlan {
    std::vector<std::size_t> kill_candidates;   ///< slot indexes
    std::vector<std::size_t> start_candidates;  ///< in start order
    std::vector<std::size_t> stop_first;        ///< at most one: TERM before its replacement starts

    bool empty() const { return kill_candidates.empty() && start_candidates.empty() && stop_first.empty(); }
};

/// `paused`: a new instance failed and the retry delay runs: start nothing now.
RolloutPlan plan_rollout(std::span<const SlotView> slots, std::int64_t surge, bool paused);

}  // namespace angel
