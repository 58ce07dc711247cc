// The rollout decision: start within the budget, else (surge 0 only) stop first.
#include "supervisor/decide/rollout.hpp"

#include <algorithm>

namespace angel {

Need need_of(const SlotTally& s) {
    if (!s.desired || s.held || s.candidate) return Need::none;
    if (!s.serving) return Need::empty;
    return s.stale ? Need::replace : Need::none;
}

void BlockTally::add(const SlotTally& s, int sign) {
    const std::int64_t serving = s.serving ? 1 : 0;
    const std::int64_t starting_now = s.candidate ? 1 : 0;
    desired += sign * (s.desired ? 1 : 0);
    alive += sign * (serving + starting_now + s.retiring);
    in_flight += sign * (starting_now + s.retiring + (s.desired ? 0 : serving));
    stale += sign * (s.desired && s.serving && s.stale ? 1 : 0);
    unserved += sign * (s.desired && !s.serving ? 1 : 0);
    starting += sign * starting_now;
    retiring += sign * s.retiring;
}

RolloutStep next_step(const BlockTally& t, std::int64_t surge, bool paused, Need first_need, bool has_replace) {
    if (paused || first_need == Need::none) return RolloutStep::wait;
    const std::int64_t limit = t.desired + std::max<std::int64_t>(surge, 0);
    if (t.alive < limit) return RolloutStep::start_next;
    // No room. With a surge, room comes from an instance in flight (a new one ready,
    // an old one reaped); a serving instance is never stopped to make it.
    if (surge <= 0 && t.in_flight == 0 && has_replace) return RolloutStep::stop_first;
    return RolloutStep::wait;
}

bool rollout_settled(const BlockTally& t) {
    return t.stale == 0 && t.unserved == 0 && t.starting == 0 && t.retiring == 0;
}

}  // namespace angel
