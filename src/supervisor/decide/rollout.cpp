// The rollout decision: kill what is stale, start within the budget, else stop first.
#include "supervisor/decide/rollout.hpp"

#include <algorithm>

namespace angel {

RolloutPlan plan_rollout(std::span<const SlotView> slots, std::int64_t surge, bool paused) {
    RolloutPlan plan;
    std::int64_t desired = 0;
    std::int64_t alive = 0;
    bool in_flight = false;  // a new instance not ready yet, or an old one still going
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const SlotView& s = slots[i];
        desired += s.desired ? 1 : 0;
        alive += (s.serving ? 1 : 0) + (s.candidate ? 1 : 0) + static_cast<std::int64_t>(s.retiring);
        // Dying instances, and a removed slot's instances (the sync's kill queue has them),
        // free room soon: nothing is stopped first while they are there.
        if (s.retiring > 0 || (!s.desired && s.serving)) in_flight = true;
        if (s.candidate && (s.candidate_stale || !s.desired)) {
            plan.kill_candidates.push_back(i);  // still alive (as retiring) until reaped
        } else if (s.candidate) {
            in_flight = true;
        }
    }
    if (paused) return plan;

    // Slots that need a new instance: empty ones first, then stale ones, oldest first.
    std::vector<std::size_t> empty, stale;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const SlotView& s = slots[i];
        const bool has_candidate = s.candidate && !s.candidate_stale && s.desired;
        if (!s.desired || s.held || has_candidate) continue;
        if (!s.serving) {
            empty.push_back(i);
        } else if (s.serving_stale) {
            stale.push_back(i);
        }
    }
    std::stable_sort(stale.begin(), stale.end(),
                     [&](std::size_t a, std::size_t b) { return slots[a].serving_age < slots[b].serving_age; });

    const std::int64_t limit = desired + std::max<std::int64_t>(surge, 0);
    for (const std::vector<std::size_t>* list : {&empty, &stale}) {
        for (std::size_t i : *list) {
            if (alive >= limit) break;
            plan.start_candidates.push_back(i);
            ++alive;
            in_flight = true;
        }
    }
    // No budget and nothing under way: make room by stopping the oldest stale one.
    if (!in_flight) {
        for (std::size_t i : stale) {
            if (std::find(plan.start_candidates.begin(), plan.start_candidates.end(), i) != plan.start_candidates.end()) continue;
            plan.stop_first.push_back(i);
            break;
        }
    }
    return plan;
}

}  // namespace angel
