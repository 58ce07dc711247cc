// The rollout decision: budget count + surge, empty slots first, oldest stale next,
// stale candidates killed, nothing started while paused, TERM first with surge 0.
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/rollout.hpp"

namespace angel {
namespace {

using Indexes = std::vector<std::size_t>;

SlotView empty_slot() {
    SlotView v;
    v.desired = true;
    return v;
}

SlotView serving(std::uint64_t age, bool stale) {
    SlotView v;
    v.desired = true;
    v.serving = true;
    v.serving_age = age;
    v.serving_stale = stale;
    return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rollout)

BOOST_AUTO_TEST_CASE(a_new_block_starts_every_slot_at_once) {
    const std::vector<SlotView> slots{empty_slot(), empty_slot(), empty_slot()};
    const RolloutPlan plan = plan_rollout(slots, 1, false);
    BOOST_TEST(plan.start_candidates == (Indexes{0, 1, 2}), boost::test_tools::per_element());
    BOOST_TEST(plan.kill_candidates.empty());
    BOOST_TEST(plan.stop_first.empty());
}

BOOST_AUTO_TEST_CASE(nothing_to_do_when_every_slot_serves_its_spec) {
    const std::vector<SlotView> slots{serving(1, false), serving(2, false)};
    BOOST_TEST(plan_rollout(slots, 1, false).empty());
}

BOOST_AUTO_TEST_CASE(surge_bounds_the_new_instances_oldest_first) {
    const std::vector<SlotView> slots{serving(7, true), serving(3, true), serving(5, true)};
    BOOST_TEST(plan_rollout(slots, 1, false).start_candidates == (Indexes{1}), boost::test_tools::per_element());
    BOOST_TEST(plan_rollout(slots, 2, false).start_candidates == (Indexes{1, 2}), boost::test_tools::per_element());
    BOOST_TEST(plan_rollout(slots, 5, false).start_candidates == (Indexes{1, 2, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(instances_shutting_down_count_against_the_budget) {
    std::vector<SlotView> slots{serving(1, false), serving(2, true)};
    slots[0].retiring = 1;  // slot 0's old instance is still dying
    const RolloutPlan plan = plan_rollout(slots, 1, false);
    BOOST_TEST(plan.start_candidates.empty());
    BOOST_TEST(plan.stop_first.empty());  // something is in flight: wait for it
}

BOOST_AUTO_TEST_CASE(a_candidate_in_flight_is_not_started_twice) {
    std::vector<SlotView> slots{serving(1, true), serving(2, true)};
    slots[0].candidate = true;
    const RolloutPlan plan = plan_rollout(slots, 1, false);
    BOOST_TEST(plan.start_candidates.empty());  // 2 serving + 1 candidate = count + surge
    BOOST_TEST(plan.kill_candidates.empty());
}

BOOST_AUTO_TEST_CASE(empty_slots_come_before_stale_ones) {
    const std::vector<SlotView> slots{serving(1, true), empty_slot()};
    BOOST_TEST(plan_rollout(slots, 0, false).start_candidates == (Indexes{1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_stale_candidate_is_killed_and_replaced_within_the_budget) {
    std::vector<SlotView> slots{serving(1, true)};
    slots[0].candidate = true;
    slots[0].candidate_stale = true;  // a HUP changed the spec again
    const RolloutPlan plan = plan_rollout(slots, 2, false);
    BOOST_TEST(plan.kill_candidates == (Indexes{0}), boost::test_tools::per_element());
    BOOST_TEST(plan.start_candidates == (Indexes{0}), boost::test_tools::per_element());  // 1 + 1 dying + 1 new = 3
    const RolloutPlan tight = plan_rollout(slots, 1, false);
    BOOST_TEST(tight.kill_candidates == (Indexes{0}), boost::test_tools::per_element());
    BOOST_TEST(tight.start_candidates.empty());  // the dying one still counts
}

BOOST_AUTO_TEST_CASE(back_to_the_old_spec_kills_the_candidates_only) {
    std::vector<SlotView> slots{serving(1, false), serving(2, false)};
    slots[0].candidate = slots[1].candidate = true;
    slots[0].candidate_stale = slots[1].candidate_stale = true;
    const RolloutPlan plan = plan_rollout(slots, 1, false);
    BOOST_TEST(plan.kill_candidates == (Indexes{0, 1}), boost::test_tools::per_element());
    BOOST_TEST(plan.start_candidates.empty());
    BOOST_TEST(plan.stop_first.empty());
}

BOOST_AUTO_TEST_CASE(paused_starts_nothing_but_still_kills_stale_candidates) {
    std::vector<SlotView> slots{empty_slot(), serving(1, true)};
    slots[1].candidate = slots[1].candidate_stale = true;
    const RolloutPlan plan = plan_rollout(slots, 1, true);
    BOOST_TEST(plan.start_candidates.empty());
    BOOST_TEST(plan.stop_first.empty());
    BOOST_TEST(plan.kill_candidates == (Indexes{1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(surge_zero_stops_the_oldest_first_one_at_a_time) {
    const std::vector<SlotView> slots{serving(4, true), serving(2, true)};
    const RolloutPlan plan = plan_rollout(slots, 0, false);
    BOOST_TEST(plan.start_candidates.empty());
    BOOST_TEST(plan.stop_first == (Indexes{1}), boost::test_tools::per_element());
    // While it dies, nothing else happens; once reaped, its slot is empty and starts.
    std::vector<SlotView> dying = slots;
    dying[1].serving = false;
    dying[1].retiring = 1;
    BOOST_TEST(plan_rollout(dying, 0, false).empty());
    dying[1].retiring = 0;
    const RolloutPlan next = plan_rollout(dying, 0, false);
    BOOST_TEST(next.start_candidates == (Indexes{1}), boost::test_tools::per_element());
    BOOST_TEST(next.stop_first.empty());
}

BOOST_AUTO_TEST_CASE(a_held_slot_waits_for_its_restart_delay) {
    std::vector<SlotView> slots{empty_slot()};
    slots[0].held = true;
    BOOST_TEST(plan_rollout(slots, 1, false).empty());
}

BOOST_AUTO_TEST_CASE(a_removed_slot_is_not_restarted_and_shrinks_the_budget) {
    std::vector<SlotView> slots{serving(1, true), serving(2, false)};
    slots[1].desired = false;  // count went from 2 to 1: its instance is the sync's to kill
    const RolloutPlan plan = plan_rollout(slots, 1, false);
    BOOST_TEST(plan.start_candidates.empty());  // 2 alive = 1 desired + surge 1
    slots[1].serving = false;
    BOOST_TEST(plan_rollout(slots, 1, false).start_candidates == (Indexes{0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_removed_slot_still_alive_holds_back_stop_first) {
    // count 3 -> 2 and a new spec in one reload: web-3's instance is on its way out (the
    // sync kills it); nothing working is stopped to make room meanwhile (surge 1).
    std::vector<SlotView> slots{serving(1, true), serving(2, true), serving(3, false)};
    slots[2].desired = false;
    const RolloutPlan plan = plan_rollout(slots, 1, false);
    BOOST_TEST(plan.start_candidates.empty());
    BOOST_TEST(plan.stop_first.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
