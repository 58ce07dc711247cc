// The instance table, cell by cell: one test case for every state x event, checked
// against a second, independent statement of the table written out below.
#include <array>
#include <ostream>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "supervisor/decide/instance_table.hpp"
#include "table_cells.hpp"

namespace angel {

std::ostream& operator<<(std::ostream& os, InstanceState s) { return os << name_of(s); }
std::ostream& operator<<(std::ostream& os, InstanceEvent e) { return os << name_of(e); }

namespace {

using S = InstanceState;
using E = InstanceEvent;

/// The actions as one line of words, e.g. "log:START adopt_spec spawn".
std::string render(const InstanceTransition& t) {
    if (!t.possible) return "impossible";
    std::string out = std::string(name_of(t.next)) + ":";
    for (const InstanceAction& a : t.actions) {
        out += ' ';
        switch (a.kind) {
            case InstanceActionKind::log:
                out += (a.level == Level::v1 ? "log1:" : "log:") + std::string(a.message) + std::string(a.text);
                break;
            case InstanceActionKind::adopt_spec: out += "adopt_spec"; break;
            case InstanceActionKind::spawn: out += "spawn"; break;
            case InstanceActionKind::report_error: out += "report_error:" + std::string(a.text); break;
            case InstanceActionKind::remember_error: out += "remember_error:" + std::string(a.text); break;
            case InstanceActionKind::stop_own_child: out += "stop_own_child"; break;
            case InstanceActionKind::remove_pidfile: out += "remove_pidfile"; break;
            case InstanceActionKind::arm_delay: out += "arm_delay:" + std::to_string(a.seconds); break;
            case InstanceActionKind::restart_child: out += "restart_child"; break;
            case InstanceActionKind::end: out += "end"; break;
        }
    }
    return out;
}

/// A started-with spec with a pidfile and `delay = 3`; the id is desired with it.
struct World {
    ProgramSpec spec;
    World() {
        spec.id = "w";
        spec.exec = "sleep 1";
        spec.delay = 3;
        spec.pidfile = "w.pid";
    }
    InstanceFacts facts(bool desired = true) const { return InstanceFacts{"w", &spec, desired ? &spec : nullptr, "boom", std::nullopt, std::nullopt, {}, false}; }
};

constexpr std::array kStates = {S::absent,  S::starting, S::running, S::killed,
                                S::failing, S::waiting,  S::done,    S::failed};
constexpr std::array kEvents = {E::start,   E::spawned,     E::spawn_failed, E::pidfile_failed, E::exited,
                                E::delay_elapsed, E::spec_changed, E::removed, E::hard_killed, E::stop_done,
                                E::unhealthy};

/// The expected table, with the id desired: [state][event].
const std::array<std::array<const char*, 11>, 8> kExpected = {{
    // absent
    {"starting: log:START adopt_spec spawn", "impossible", "impossible", "impossible", "impossible", "impossible",
     "impossible", "impossible", "impossible", "impossible", "impossible"},
    // starting
    {"impossible", "running: log:RUNNING", "absent: report_error:boom end",
     "failing: log:Failed to create pidfile remember_error:boom stop_own_child", "impossible", "impossible",
     "impossible", "impossible", "impossible", "impossible", "impossible"},
    // running
    {"impossible", "impossible", "impossible", "impossible",
     "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3", "impossible", "running:", "running:", "killed:",
     "impossible", "running: log:UNHEALTHY, restarting: boom restart_child"},
    // killed
    {"impossible", "impossible", "impossible", "impossible",
     "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3", "impossible", "impossible", "impossible",
     "killed:", "impossible", "impossible"},
    // failing
    {"impossible", "impossible", "impossible", "impossible", "failing:", "impossible", "impossible", "impossible",
     "failing:", "absent: report_error:boom end", "impossible"},
    // waiting
    {"impossible", "impossible", "impossible", "impossible", "impossible",
     "starting: log:RESTART log:START adopt_spec spawn", "impossible", "impossible", "impossible", "impossible", "impossible"},
    // done
    {"impossible", "impossible", "impossible", "impossible", "impossible", "impossible",
     "starting: log:START adopt_spec spawn", "absent: log:QUIT end", "impossible", "impossible", "impossible"},
    // failed
    {"impossible", "impossible", "impossible", "impossible", "impossible", "impossible",
     "starting: log:START adopt_spec spawn", "absent: log:QUIT end", "impossible", "impossible", "impossible"},
}};


}  // namespace

BOOST_AUTO_TEST_SUITE(instance_table)

BOOST_AUTO_TEST_CASE(table_covers_every_state_and_event) {
    BOOST_TEST(kStates.size() == kInstanceStates);
    BOOST_TEST(kEvents.size() == kInstanceEvents);
}

BOOST_DATA_TEST_CASE(cell, boost::unit_test::data::make(test::all_cells(kStates, kEvents)), c) {
    const World w;
    const auto s = static_cast<std::size_t>(c.state);
    const auto e = static_cast<std::size_t>(c.event);
    BOOST_TEST(render(step(c.state, c.event, w.facts())) == kExpected[s][e]);
}

// The cells whose outcome depends on the facts, with the other facts.

BOOST_AUTO_TEST_CASE(start_of_an_id_no_longer_desired_quits) {
    const World w;
    BOOST_TEST(render(step(S::absent, E::start, w.facts(false))) ==
               "absent: log:START log:QUIT (missing from config on restart) end");
}

BOOST_AUTO_TEST_CASE(restart_of_an_id_no_longer_desired_quits) {
    const World w;
    BOOST_TEST(render(step(S::waiting, E::delay_elapsed, w.facts(false))) ==
               "absent: log:RESTART log:START log:QUIT (missing from config on restart) end");
}

BOOST_AUTO_TEST_CASE(exit_of_an_id_no_longer_desired_quits) {
    const World w;
    for (S s : {S::running, S::killed}) {
        BOOST_TEST(render(step(s, E::exited, w.facts(false))) == "absent: log:ENDED remove_pidfile log:QUIT end");
    }
}

BOOST_AUTO_TEST_CASE(exit_without_pidfile_or_delay_waits_the_default_5_seconds) {
    ProgramSpec spec;
    spec.id = "w";
    spec.exec = "true";
    const InstanceFacts facts{"w", &spec, &spec, {}, std::nullopt, std::nullopt, {}, false};
    BOOST_TEST(render(step(S::running, E::exited, facts)) == "waiting: log:ENDED log:WAITING arm_delay:5");
}

BOOST_AUTO_TEST_CASE(the_delay_is_the_started_with_one_not_the_desired_one) {
    World w;
    ProgramSpec newer = w.spec;
    newer.delay = 60;
    const InstanceFacts facts{"w", &w.spec, &newer, {}, std::nullopt, std::nullopt, {}, false};
    BOOST_TEST(render(step(S::running, E::exited, facts)) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
}

BOOST_AUTO_TEST_CASE(delay_zero_restarts_at_once) {
    World w;
    w.spec.delay = 0;
    BOOST_TEST(render(step(S::running, E::exited, w.facts())) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:0");
}

// `restart` and `okexit` (opt-in): the exit of a running (or killed) instance.

InstanceFacts exit_facts(const ProgramSpec& spec, std::optional<int> status, std::string_view text,
                         bool asked = false) {
    return InstanceFacts{"w", &spec, &spec, {}, std::nullopt, status, text, asked};
}

BOOST_AUTO_TEST_CASE(restart_never_ends_done_after_an_ok_exit_and_failed_after_others) {
    World w;
    w.spec.restart = RestartPolicy::never;
    for (S s : {S::running, S::killed}) {
        BOOST_TEST(render(step(s, E::exited, exit_facts(w.spec, 0, "exit 0"))) ==
                   "done: log:ENDED remove_pidfile log:DONE, not restarted (restart = \"never\"): exit 0");
        BOOST_TEST(render(step(s, E::exited, exit_facts(w.spec, 3, "exit 3"))) ==
                   "failed: log:ENDED remove_pidfile log:FAILED, not restarted (restart = \"never\"): exit 3");
        BOOST_TEST(render(step(s, E::exited, exit_facts(w.spec, std::nullopt, "signal 9 (KILL)"))) ==
                   "failed: log:ENDED remove_pidfile log:FAILED, not restarted (restart = \"never\"): signal 9 (KILL)");
    }
}

BOOST_AUTO_TEST_CASE(restart_on_failure_restarts_only_a_failure) {
    World w;
    w.spec.restart = RestartPolicy::on_failure;
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 0, "exit 0"))) ==
               "done: log:ENDED remove_pidfile log:DONE, not restarted (restart = \"on-failure\"): exit 0");
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 3, "exit 3"))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, std::nullopt, "signal 15 (TERM)"))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
}

BOOST_AUTO_TEST_CASE(okexit_lists_the_ok_statuses) {
    World w;
    w.spec.restart = RestartPolicy::on_failure;
    w.spec.okexit = {3, 4};
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 3, "exit 3"))) ==
               "done: log:ENDED remove_pidfile log:DONE, not restarted (restart = \"on-failure\"): exit 3");
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 0, "exit 0"))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
    w.spec.restart = RestartPolicy::never;
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 0, "exit 0"))) ==
               "failed: log:ENDED remove_pidfile log:FAILED, not restarted (restart = \"never\"): exit 0");
}

BOOST_AUTO_TEST_CASE(restart_always_and_angelctl_restart_and_removal_are_unchanged) {
    World w;
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 0, "exit 0"))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
    w.spec.restart = RestartPolicy::never;
    BOOST_TEST(render(step(S::running, E::exited, exit_facts(w.spec, 0, "exit 0", true))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
    const InstanceFacts gone{"w", &w.spec, nullptr, {}, std::nullopt, 0, "exit 0", false};
    BOOST_TEST(render(step(S::running, E::exited, gone)) == "absent: log:ENDED remove_pidfile log:QUIT end");
}

BOOST_AUTO_TEST_CASE(unhealthy_while_a_stop_is_under_way_changes_nothing) {
    const World w;
    InstanceFacts f = w.facts();
    f.stopping = true;
    BOOST_TEST(render(step(S::running, E::unhealthy, f)) == "running:");
}

BOOST_AUTO_TEST_CASE(a_rerun_of_an_id_no_longer_desired_quits) {
    const World w;
    for (S s : {S::done, S::failed}) {
        BOOST_TEST(render(step(s, E::spec_changed, w.facts(false))) ==
                   "absent: log:START log:QUIT (missing from config on restart) end");
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
