// The sync decision (spec 7.1, 7.2, 7.8).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/reconcile.hpp"

namespace angel {
namespace {

using Ids = std::vector<std::string>;

ProgramSpec spec(const std::string& id, const std::string& exec = "true") {
    ProgramSpec s;
    s.id = id;
    s.exec = exec;
    return s;
}

ProgramSpecs desired_of(const std::vector<ProgramSpec>& specs) {
    ProgramSpecs out;
    for (const ProgramSpec& s : specs) out[s.id] = s;
    return out;
}

/// The ids of the plan's decisions of these kinds, in plan order.
Ids ids_of(const SyncPlan& plan, std::initializer_list<DecisionKind> kinds) {
    Ids out;
    for (const Decision& d : plan.decisions) {
        for (DecisionKind k : kinds) {
            if (d.kind == k) out.push_back(d.id);
        }
    }
    return out;
}

Ids kills_of(const SyncPlan& plan) {
    Ids out = ids_of(plan, {DecisionKind::stop, DecisionKind::replace});
    BOOST_TEST(out.size() == plan.kills);
    return out;
}

Ids starts_of(const SyncPlan& plan) {
    Ids out = ids_of(plan, {DecisionKind::start});
    BOOST_TEST(out.size() == plan.starts);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reconcile_plan)

BOOST_AUTO_TEST_CASE(nothing_to_do) {
    const SyncPlan plan = reconcile({}, {});
    BOOST_TEST(kills_of(plan).empty());
    BOOST_TEST(starts_of(plan).empty());
}

BOOST_AUTO_TEST_CASE(first_load_starts_all_sorted) {
    const ProgramSpecs desired = desired_of({spec("b"), spec("a"), spec("B"), spec("w-10"), spec("w-2")});
    const SyncPlan plan = reconcile(desired, {});
    BOOST_TEST(kills_of(plan).empty());
    BOOST_TEST(starts_of(plan) == (Ids{"B", "a", "b", "w-10", "w-2"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unchanged_running_program_is_left_alone) {
    const ProgramSpecs desired = desired_of({spec("a")});
    const ProgramSpec started = spec("a");
    const SyncPlan plan = reconcile(desired, {{"a", {&started, true}}});
    BOOST_TEST(kills_of(plan).empty());
    BOOST_TEST(starts_of(plan).empty());
}

BOOST_AUTO_TEST_CASE(changed_or_removed_live_programs_are_killed) {
    const ProgramSpecs desired = desired_of({spec("chg", "sleep"), spec("same"), spec("new")});
    const ProgramSpec chg_old = spec("chg", "true");
    const ProgramSpec same = spec("same");
    const ProgramSpec rm = spec("rm");
    const RunningSet running = {
        {"chg", {&chg_old, true}}, {"rm", {&rm, true}}, {"same", {&same, true}}};
    const SyncPlan plan = reconcile(desired, running);
    BOOST_TEST(kills_of(plan) == (Ids{"chg", "rm"}), boost::test_tools::per_element());
    BOOST_TEST(starts_of(plan) == (Ids{"new"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(waiting_entries_are_never_killed_nor_started) {
    const ProgramSpecs desired = desired_of({spec("chg", "sleep")});
    const ProgramSpec chg_old = spec("chg", "true");
    const ProgramSpec gone = spec("gone");
    const RunningSet running = {{"chg", {&chg_old, false}}, {"gone", {&gone, false}}};
    const SyncPlan plan = reconcile(desired, running);
    BOOST_TEST(kills_of(plan).empty());
    BOOST_TEST(starts_of(plan).empty());
}

// `restart` (opt-in): an ended one-shot (done/failed) has no child to kill.
BOOST_AUTO_TEST_CASE(ended_one_shots_run_again_when_changed_and_leave_when_removed) {
    const ProgramSpecs desired = desired_of({spec("chg", "sleep"), spec("kept")});
    const ProgramSpec chg_old = spec("chg", "true");
    const ProgramSpec kept = spec("kept");
    const ProgramSpec gone = spec("gone");
    RunningEntry ended_chg{&chg_old, false};
    ended_chg.ended = true;
    RunningEntry ended_kept{&kept, false};
    ended_kept.ended = true;
    RunningEntry ended_gone{&gone, false};
    ended_gone.ended = true;
    const RunningSet running = {{"chg", ended_chg}, {"gone", ended_gone}, {"kept", ended_kept}};
    const SyncPlan plan = reconcile(desired, running);
    BOOST_TEST(kills_of(plan).empty());
    BOOST_TEST(ids_of(plan, {DecisionKind::rerun}) == (Ids{"chg"}), boost::test_tools::per_element());
    BOOST_TEST(ids_of(plan, {DecisionKind::forget}) == (Ids{"gone"}), boost::test_tools::per_element());
    BOOST_TEST(ids_of(plan, {DecisionKind::keep}) == (Ids{"kept"}), boost::test_tools::per_element());
    BOOST_TEST(plan.starts == 1u);  // `must start=1`: the rerun
}

// angelctl stop: a stopped program is kept whatever its spec, and leaves with its id.
BOOST_AUTO_TEST_CASE(stopped_programs_are_kept_even_when_changed_and_leave_when_removed) {
    const ProgramSpecs desired = desired_of({spec("chg", "sleep"), spec("kept")});
    const ProgramSpec chg_old = spec("chg", "true");
    const ProgramSpec kept = spec("kept");
    const ProgramSpec gone = spec("gone");
    RunningEntry held_chg{&chg_old, false};
    held_chg.held = true;
    RunningEntry held_kept{&kept, false};
    held_kept.held = true;
    RunningEntry held_gone{&gone, false};
    held_gone.held = true;
    const RunningSet running = {{"chg", held_chg}, {"gone", held_gone}, {"kept", held_kept}};
    const SyncPlan plan = reconcile(desired, running);
    BOOST_TEST(plan.empty());  // no `Must kill` line: nothing to kill or start
    BOOST_TEST(ids_of(plan, {DecisionKind::forget}) == (Ids{"gone"}), boost::test_tools::per_element());
    BOOST_TEST(ids_of(plan, {DecisionKind::keep}) == (Ids{"chg", "kept"}), boost::test_tools::per_element());
}

// `after` (opt-in): a held program (no child yet) is kept while desired, whatever its
// spec (its start reads the one desired then), and leaves at once when removed.
BOOST_AUTO_TEST_CASE(held_programs_are_kept_while_desired_and_leave_when_removed) {
    const ProgramSpecs desired = desired_of({spec("chg", "sleep"), spec("web", "sleep")});
    RunningEntry held_chg{nullptr, false};
    held_chg.pending = true;
    RunningEntry held_gone{nullptr, false};
    held_gone.pending = true;
    RunningEntry held_served{nullptr, false, 0, 0, true};  // a served one, its slot not made yet
    held_served.pending = true;
    const RunningSet running = {{"chg", held_chg}, {"gone", held_gone}, {"web", held_served}};
    const SyncPlan plan = reconcile(desired, running);
    BOOST_TEST(plan.empty());
    BOOST_TEST(ids_of(plan, {DecisionKind::keep}) == (Ids{"chg"}), boost::test_tools::per_element());
    BOOST_TEST(ids_of(plan, {DecisionKind::forget}) == (Ids{"gone", "web"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_field_counts_as_a_change) {
    const ProgramSpec base = spec("p");
    std::vector<ProgramSpec> variants(9, base);
    variants[0].exec = "other";
    variants[1].delay = 6;
    variants[2].stdout_path = "/dev/null";
    variants[3].stderr_path = "e";
    variants[4].directory = "/";
    variants[5].logger = "lg";
    variants[6].pidfile = "p.pid";
    variants[7].env = {{"A", "1"}};
    variants[8].termgrace = 0;
    for (const ProgramSpec& changed : variants) {
        const SyncPlan plan = reconcile(desired_of({changed}), {{"p", {&base, true}}});
        BOOST_TEST(kills_of(plan) == (Ids{"p"}), boost::test_tools::per_element());
        BOOST_TEST(starts_of(plan).empty());
    }
}

BOOST_AUTO_TEST_CASE(shutdown_kills_every_live_program) {
    const ProgramSpec a = spec("a");
    const ProgramSpec b = spec("b");
    const ProgramSpec c = spec("c");
    const SyncPlan plan = reconcile({}, {{"a", {&a, true}}, {"b", {&b, false}}, {"c", {&c, true}}});
    BOOST_TEST(kills_of(plan) == (Ids{"a", "c"}), boost::test_tools::per_element());
    BOOST_TEST(starts_of(plan).empty());
}

BOOST_AUTO_TEST_CASE(count_one_to_three_and_back) {
    const ProgramSpec w1 = spec("w-1");
    const ProgramSpec w2 = spec("w-2");
    const ProgramSpec w3 = spec("w-3");
    const SyncPlan up = reconcile(desired_of({w1, w2, w3}), {{"w-1", {&w1, true}}});
    BOOST_TEST(kills_of(up).empty());
    BOOST_TEST(starts_of(up) == (Ids{"w-2", "w-3"}), boost::test_tools::per_element());
    const SyncPlan down = reconcile(desired_of({w1}),
                                    {{"w-1", {&w1, true}}, {"w-2", {&w2, true}}, {"w-3", {&w3, true}}});
    BOOST_TEST(kills_of(down) == (Ids{"w-2", "w-3"}), boost::test_tools::per_element());
    BOOST_TEST(starts_of(down).empty());
}

BOOST_AUTO_TEST_CASE(plain_to_count_one_renames) {
    const ProgramSpec w = spec("w");
    const SyncPlan plan = reconcile(desired_of({spec("w-1")}), {{"w", {&w, true}}});
    BOOST_TEST(kills_of(plan) == (Ids{"w"}), boost::test_tools::per_element());
    BOOST_TEST(starts_of(plan) == (Ids{"w-1"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(entry_without_recorded_spec_counts_as_changed) {
    const SyncPlan plan = reconcile(desired_of({spec("a")}), {{"a", {nullptr, true}}});
    BOOST_TEST(kills_of(plan) == (Ids{"a"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(decisions_carry_their_kind_spec_and_captured_target) {
    ProgramSpec chg_old = spec("chg", "true");
    chg_old.termgrace = 3;
    chg_old.logger = "lg";
    chg_old.pidfile = "chg.pid";
    const ProgramSpec keep = spec("keep");
    const ProgramSpec rm = spec("rm");
    const ProgramSpec waiting = spec("waiting");
    const ProgramSpecs desired = desired_of({spec("chg", "sleep"), keep, spec("new"), spec("waiting", "x")});
    const RunningSet running = {{"chg", {&chg_old, true, 10, 11}},
                                {"keep", {&keep, true, 20, 0}},
                                {"rm", {&rm, true, 30, 0}},
                                {"waiting", {&waiting, false, 0, 0}}};
    const SyncPlan plan = reconcile(desired, running);
    BOOST_TEST_REQUIRE(plan.decisions.size() == 5u);
    const Decision& chg = plan.decisions[0];
    BOOST_TEST(chg.id == "chg");
    BOOST_TEST((chg.kind == DecisionKind::replace));
    BOOST_TEST(chg.spec == &desired.at("chg"));  // the spec it will be restarted with
    BOOST_TEST(chg.target.pid == 10);
    BOOST_TEST(chg.target.logger_pid == 11);
    BOOST_TEST(chg.target.has_logger);
    BOOST_TEST((chg.target.termgrace == std::optional<std::int64_t>(3)));  // of the spec it runs
    BOOST_TEST((chg.target.pidfile == std::optional<std::string>("chg.pid")));
    BOOST_TEST((plan.decisions[1].kind == DecisionKind::keep));
    BOOST_TEST(plan.decisions[1].id == "keep");
    BOOST_TEST((plan.decisions[2].kind == DecisionKind::start));
    BOOST_TEST(plan.decisions[2].spec == &desired.at("new"));
    BOOST_TEST((plan.decisions[3].kind == DecisionKind::stop));
    BOOST_TEST(plan.decisions[3].spec == &rm);
    BOOST_TEST(plan.decisions[3].target.pid == 30);
    BOOST_TEST(!plan.decisions[3].target.has_logger);
    BOOST_TEST((plan.decisions[4].kind == DecisionKind::keep));  // changed, but nothing runs
    BOOST_TEST(plan.kills == 2u);
    BOOST_TEST(plan.starts == 1u);
}

BOOST_AUTO_TEST_CASE(a_changed_served_program_rolls_without_a_kill) {
    ProgramSpec next = spec("web", "srv 2");
    next.serve = ServeSpec{};
    ProgramSpec old = spec("web", "srv 1");
    old.serve = ServeSpec{};
    const ProgramSpecs desired = desired_of({next});
    const SyncPlan plan = reconcile(desired, {{"web", {&old, true, 10, 0, true}}});
    BOOST_TEST(kills_of(plan).empty());  // no `Must kill`: the old one goes once the new one is ready
    BOOST_TEST(starts_of(plan).empty());
    BOOST_TEST(ids_of(plan, {DecisionKind::roll}) == (Ids{"web"}), boost::test_tools::per_element());
    BOOST_TEST(plan.empty());
    const SyncPlan same = reconcile(desired_of({old}), {{"web", {&old, true, 10, 0, true}}});
    BOOST_TEST(ids_of(same, {DecisionKind::keep}) == (Ids{"web"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_removed_served_program_is_killed_like_any_other) {
    ProgramSpec old = spec("web");
    old.serve = ServeSpec{};
    const SyncPlan plan = reconcile({}, {{"web", {&old, true, 10, 11, true}}});
    BOOST_TEST(kills_of(plan) == (Ids{"web"}), boost::test_tools::per_element());
    BOOST_TEST(plan.decisions[0].target.pid == 10);
    BOOST_TEST(plan.decisions[0].target.logger_pid == 11);
}

BOOST_AUTO_TEST_CASE(a_change_of_kind_stops_now_and_starts_later) {
    ProgramSpec served = spec("a");
    served.serve = ServeSpec{};
    const ProgramSpec plain = spec("a");
    // Original -> served: the live instance is killed; no start while its entry exists.
    SyncPlan plan = reconcile(desired_of({served}), {{"a", {&plain, true, 10}}});
    BOOST_TEST(kills_of(plan) == (Ids{"a"}), boost::test_tools::per_element());
    BOOST_TEST(starts_of(plan).empty());
    BOOST_TEST((plan.decisions[0].kind == DecisionKind::stop));
    // Served -> original, the slot with no live instance: left alone.
    plan = reconcile(desired_of({plain}), {{"a", {&served, false, 0, 0, true}}});
    BOOST_TEST(kills_of(plan).empty());
    BOOST_TEST(starts_of(plan).empty());
    // Once the old entry is gone, the new kind starts.
    plan = reconcile(desired_of({served}), {});
    BOOST_TEST(starts_of(plan) == (Ids{"a"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
