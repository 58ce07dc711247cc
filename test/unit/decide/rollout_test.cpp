// The rollout decision: a slot's need, the block's tally, the next step (budget
// count + surge, stop-first only with surge 0 and nothing under way), and when a
// rollout is settled.
#include <boost/test/unit_test.hpp>

#include "supervisor/decide/rollout.hpp"

namespace angel {
namespace {

SlotTally empty_slot() {
    SlotTally s;
    s.desired = true;
    return s;
}

SlotTally serving(bool stale) {
    SlotTally s;
    s.desired = true;
    s.serving = true;
    s.stale = stale;
    return s;
}

BlockTally tally_of(std::initializer_list<SlotTally> slots) {
    BlockTally t;
    for (const SlotTally& s : slots) t.add(s, +1);
    return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rollout)

BOOST_AUTO_TEST_CASE(a_slot_needs_a_start_when_empty_or_stale_and_nothing_is_under_way) {
    BOOST_TEST((need_of(empty_slot()) == Need::empty));
    BOOST_TEST((need_of(serving(true)) == Need::replace));
    BOOST_TEST((need_of(serving(false)) == Need::none));
    SlotTally starting = serving(true);
    starting.candidate = true;
    BOOST_TEST((need_of(starting) == Need::none));
    SlotTally held = empty_slot();
    held.held = true;
    BOOST_TEST((need_of(held) == Need::none));
    SlotTally removed = serving(true);
    removed.desired = false;
    BOOST_TEST((need_of(removed) == Need::none));
}

BOOST_AUTO_TEST_CASE(the_tally_adds_and_takes_back_a_slot) {
    SlotTally s = serving(true);
    s.candidate = true;
    s.retiring = 2;
    BlockTally t;
    t.add(s, +1);
    BOOST_TEST(t.desired == 1);
    BOOST_TEST(t.alive == 4);
    BOOST_TEST(t.in_flight == 3);
    BOOST_TEST(t.stale == 1);
    BOOST_TEST(t.unserved == 0);
    BOOST_TEST(t.starting == 1);
    BOOST_TEST(t.retiring == 2);
    t.add(s, -1);
    BOOST_TEST((t == BlockTally{}));
}

BOOST_AUTO_TEST_CASE(a_removed_slots_serving_instance_is_in_flight) {
    SlotTally s = serving(false);
    s.desired = false;
    const BlockTally t = tally_of({s});
    BOOST_TEST(t.desired == 0);
    BOOST_TEST(t.alive == 1);
    BOOST_TEST(t.in_flight == 1);
}

BOOST_AUTO_TEST_CASE(a_new_block_starts_within_count_plus_surge) {
    const BlockTally t = tally_of({empty_slot(), empty_slot(), empty_slot()});
    BOOST_TEST((next_step(t, 1, false, Need::empty, false) == RolloutStep::start_next));
}

BOOST_AUTO_TEST_CASE(nothing_to_do_without_a_need) {
    const BlockTally t = tally_of({serving(false), serving(false)});
    BOOST_TEST((next_step(t, 1, false, Need::none, false) == RolloutStep::wait));
    BOOST_TEST((next_step(t, 0, false, Need::none, false) == RolloutStep::wait));
}

BOOST_AUTO_TEST_CASE(a_paused_block_starts_nothing) {
    const BlockTally t = tally_of({empty_slot()});
    BOOST_TEST((next_step(t, 1, true, Need::empty, false) == RolloutStep::wait));
}

BOOST_AUTO_TEST_CASE(surge_bounds_the_new_instances) {
    SlotTally rolling = serving(true);
    rolling.candidate = true;
    // count 2 + surge 1: two serving, one new: full.
    const BlockTally t = tally_of({rolling, serving(true)});
    BOOST_TEST(t.alive == 3);
    BOOST_TEST((next_step(t, 1, false, Need::replace, true) == RolloutStep::wait));
    BOOST_TEST((next_step(t, 2, false, Need::replace, true) == RolloutStep::start_next));
}

BOOST_AUTO_TEST_CASE(instances_being_stopped_count_against_the_budget) {
    SlotTally dying = serving(false);
    dying.retiring = 1;
    const BlockTally t = tally_of({dying, serving(true)});
    BOOST_TEST((next_step(t, 1, false, Need::replace, true) == RolloutStep::wait));
}

// The defect of a HUP during a rollout: a new instance killed by the reload is still
// alive (retiring) and fills the budget. With a surge, nothing serving is stopped to
// make room: the next start waits for its death.
BOOST_AUTO_TEST_CASE(a_killed_new_instance_never_makes_a_serving_one_stop_first) {
    SlotTally killed_candidate = serving(true);
    killed_candidate.retiring = 1;
    const BlockTally t = tally_of({serving(true), killed_candidate});
    BOOST_TEST(t.alive == 3);
    BOOST_TEST((next_step(t, 1, false, Need::replace, true) == RolloutStep::wait));
    // Even with nothing in flight, a surge never stops first.
    const BlockTally full = tally_of({serving(true), serving(true)});
    BOOST_TEST((next_step(full, 0, false, Need::replace, true) == RolloutStep::stop_first));
    BOOST_TEST((next_step(full, 1, false, Need::replace, true) == RolloutStep::start_next));
}

BOOST_AUTO_TEST_CASE(surge_zero_stops_first_only_when_nothing_is_under_way) {
    const BlockTally idle = tally_of({serving(true), serving(true)});
    BOOST_TEST((next_step(idle, 0, false, Need::replace, true) == RolloutStep::stop_first));
    SlotTally dying = serving(true);
    dying.retiring = 1;
    const BlockTally busy = tally_of({dying, serving(true)});
    BOOST_TEST((next_step(busy, 0, false, Need::replace, true) == RolloutStep::wait));
    // Room once the stopped one is reaped: its slot is empty and starts.
    const BlockTally room = tally_of({empty_slot(), serving(true)});
    BOOST_TEST((next_step(room, 0, false, Need::empty, true) == RolloutStep::start_next));
    // Paused: not even a stop-first (the back-off runs).
    BOOST_TEST((next_step(idle, 0, true, Need::replace, true) == RolloutStep::wait));
}

BOOST_AUTO_TEST_CASE(a_removed_slot_still_alive_holds_back_stop_first) {
    SlotTally removed = serving(false);
    removed.desired = false;
    const BlockTally t = tally_of({serving(true), removed});
    BOOST_TEST((next_step(t, 0, false, Need::replace, true) == RolloutStep::wait));
}

BOOST_AUTO_TEST_CASE(a_rollout_settles_when_all_serve_the_desired_spec_and_nothing_old_is_left) {
    BOOST_TEST(rollout_settled(tally_of({serving(false), serving(false)})));
    BOOST_TEST(!rollout_settled(tally_of({serving(false), serving(true)})));
    BOOST_TEST(!rollout_settled(tally_of({serving(false), empty_slot()})));
    SlotTally dying = serving(false);
    dying.retiring = 1;
    BOOST_TEST(!rollout_settled(tally_of({dying})));
    SlotTally starting = empty_slot();
    starting.candidate = true;
    BOOST_TEST(!rollout_settled(tally_of({starting})));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
