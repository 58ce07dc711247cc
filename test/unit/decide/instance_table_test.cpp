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
            case InstanceActionKind::cancel_delay: out += "cancel_delay"; break;
            case InstanceActionKind::hold: out += "hold"; break;
            case InstanceActionKind::stop_child: out += "stop_child"; break;
            case InstanceActionKind::exit_angel: out += "exit_angel:" + std::to_string(a.code); break;
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

// Shorthands for the expected table's cells.
constexpr const char* IMP = "impossible";
constexpr const char* STOPPED = "stopped: log:STOPPED by angelctl: not restarted before angelctl start";
constexpr const char* ASKED = "starting: log:START asked by angelctl log:START adopt_spec spawn";
constexpr std::array kStates = {S::absent,  S::starting, S::running, S::killed, S::failing,
                                S::waiting, S::done,     S::failed,  S::stopped, S::pending};
constexpr std::array kEvents = {E::start,   E::spawned,     E::spawn_failed, E::pidfile_failed, E::exited,
                                E::delay_elapsed, E::spec_changed, E::removed, E::hard_killed, E::stop_done,
                                E::stop_asked, E::start_asked, E::deps_missing, E::deps_ready, E::unhealthy};

/// The expected table, with the id desired: [state][event]; the columns after stop_done
/// are angelctl's (stop_asked, start_asked), then `after`'s (deps_missing, deps_ready), then `check`'s (unhealthy).
const std::array<std::array<const char*, 15>, 10> kExpected = {{
    // absent
    {"starting: log:START adopt_spec spawn", IMP, IMP, IMP, IMP, IMP,
     IMP, IMP, IMP, IMP, STOPPED, IMP, "pending: log:WAITING for boom", IMP, IMP},
    // starting
    {IMP, "running: log:RUNNING", "absent: report_error:boom end",
     "failing: log:Failed to create pidfile remember_error:boom stop_own_child", IMP, IMP,
     IMP, IMP, IMP, IMP, IMP, IMP, IMP, IMP, IMP},
    // running
    {IMP, IMP, IMP, IMP,
     "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3", IMP, "running:", "running:", "killed:",
     IMP, "running: log:STOP asked by angelctl hold stop_child", IMP, IMP, IMP, "running: log:UNHEALTHY, restarting: boom restart_child"},
    // killed
    {IMP, IMP, IMP, IMP,
     "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3", IMP, IMP, IMP,
     "killed:", IMP, "killed: log:STOP asked by angelctl hold", IMP, IMP, IMP, IMP},
    // failing
    {IMP, IMP, IMP, IMP, "failing:", IMP, IMP, IMP,
     "failing:", "absent: report_error:boom end", "failing: log:STOP asked by angelctl hold", IMP, IMP, IMP, IMP},
    // waiting
    {IMP, IMP, IMP, IMP, IMP,
     "starting: log:RESTART log:START adopt_spec spawn", IMP, IMP, IMP, IMP,
     "stopped: cancel_delay log:STOPPED by angelctl: not restarted before angelctl start", IMP, IMP, IMP, IMP},
    // done
    {IMP, IMP, IMP, IMP, IMP, IMP,
     "starting: log:START adopt_spec spawn", "absent: log:QUIT end", IMP, IMP, STOPPED, ASKED, IMP, IMP, IMP},
    // failed
    {IMP, IMP, IMP, IMP, IMP, IMP,
     "starting: log:START adopt_spec spawn", "absent: log:QUIT end", IMP, IMP, STOPPED, ASKED, IMP, IMP, IMP},
    // stopped
    {IMP, IMP, IMP, IMP, "stopped:", IMP, IMP,
     "absent: log:QUIT end", IMP, IMP, IMP, ASKED, IMP, IMP, IMP},
    // pending: `after` holds its first start; angelctl stop drops the hold
    {IMP, IMP, IMP, IMP, IMP, IMP, IMP,
     "absent: log:QUIT end", IMP, IMP, STOPPED, IMP, IMP, "starting: log:START adopt_spec spawn", IMP},
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

// angelctl stop: the exit of a held child, with the other facts.

BOOST_AUTO_TEST_CASE(the_exit_of_a_held_child_stops_it_whatever_restart_says) {
    World w;
    InstanceFacts f = w.facts();
    f.hold = true;
    const std::string stopped = "stopped: log:ENDED remove_pidfile log:STOPPED by angelctl: not restarted before angelctl start";
    BOOST_TEST(render(step(S::running, E::exited, f)) == stopped);
    BOOST_TEST(render(step(S::killed, E::exited, f)) == stopped);
    f.restart_asked = true;  // angelctl restart's kill was under way: the stop wins
    f.wait = 0;
    BOOST_TEST(render(step(S::running, E::exited, f)) == stopped);
    w.spec.restart = RestartPolicy::never;
    f.exit_status = 0;
    BOOST_TEST(render(step(S::running, E::exited, f)) == stopped);
}

BOOST_AUTO_TEST_CASE(a_held_child_whose_id_left_quits) {
    const World w;
    InstanceFacts f = w.facts(false);
    f.hold = true;
    BOOST_TEST(render(step(S::running, E::exited, f)) == "absent: log:ENDED remove_pidfile log:QUIT end");
    BOOST_TEST(render(step(S::failing, E::stop_done, f)) == "absent: report_error:boom end");
}

BOOST_AUTO_TEST_CASE(a_held_failing_one_reports_its_error_and_stays_stopped) {
    const World w;
    InstanceFacts f = w.facts();
    f.hold = true;
    BOOST_TEST(render(step(S::failing, E::stop_done, f)) ==
               "stopped: report_error:boom log:STOPPED by angelctl: not restarted before angelctl start");
}

BOOST_AUTO_TEST_CASE(a_start_of_an_id_no_longer_desired_quits) {
    const World w;
    for (S s : {S::stopped, S::done, S::failed}) {
        BOOST_TEST(render(step(s, E::start_asked, w.facts(false))) ==
                   "absent: log:START asked by angelctl log:START log:QUIT (missing from config on restart) end");
    }
}

// `after`: a pending program released once the id has left the config quits.
BOOST_AUTO_TEST_CASE(a_release_of_an_id_no_longer_desired_quits) {
    const World w;
    BOOST_TEST(render(step(S::pending, E::deps_ready, w.facts(false))) ==
               "absent: log:START log:QUIT (missing from config on restart) end");
}

// `critical`: every end for good also says exit_angel, with the program's status (128 +
// the signal for a signal) or 1 for a failed start; an end that is restarted does not.

InstanceFacts critical_exit(const ProgramSpec& spec, std::optional<int> status, std::string_view text, int code) {
    InstanceFacts f{"w", &spec, &spec, {}, std::nullopt, status, text, false};
    f.exit_code = code;
    return f;
}

BOOST_AUTO_TEST_CASE(critical_end_for_good_exits_angel_with_its_status) {
    World w;
    w.spec.critical = true;
    w.spec.restart = RestartPolicy::never;
    BOOST_TEST(render(step(S::running, E::exited, critical_exit(w.spec, 3, "exit 3", 3))) ==
               "failed: log:ENDED remove_pidfile log:FAILED, not restarted (restart = \"never\"): exit 3 exit_angel:3");
    BOOST_TEST(render(step(S::running, E::exited, critical_exit(w.spec, std::nullopt, "signal 9 (KILL)", 137))) ==
               "failed: log:ENDED remove_pidfile log:FAILED, not restarted (restart = \"never\"): signal 9 (KILL) "
               "exit_angel:137");
    BOOST_TEST(render(step(S::killed, E::exited, critical_exit(w.spec, 0, "exit 0", 0))) ==
               "done: log:ENDED remove_pidfile log:DONE, not restarted (restart = \"never\"): exit 0 exit_angel:0");
}

BOOST_AUTO_TEST_CASE(critical_restarted_or_removed_does_not_exit_angel) {
    World w;
    w.spec.critical = true;
    BOOST_TEST(render(step(S::running, E::exited, critical_exit(w.spec, 3, "exit 3", 3))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");  // restart = "always"
    w.spec.restart = RestartPolicy::on_failure;
    BOOST_TEST(render(step(S::running, E::exited, critical_exit(w.spec, 3, "exit 3", 3))) ==
               "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
    w.spec.restart = RestartPolicy::never;
    InstanceFacts gone = critical_exit(w.spec, 3, "exit 3", 3);
    gone.desired = nullptr;  // a HUP removed it, or shutdown
    BOOST_TEST(render(step(S::running, E::exited, gone)) == "absent: log:ENDED remove_pidfile log:QUIT end");
    InstanceFacts asked = critical_exit(w.spec, 0, "exit 0", 0);
    asked.restart_asked = true;  // angelctl restart
    BOOST_TEST(render(step(S::running, E::exited, asked)) == "waiting: log:ENDED remove_pidfile log:WAITING arm_delay:3");
}

BOOST_AUTO_TEST_CASE(critical_failed_start_exits_angel_with_1) {
    World w;
    w.spec.critical = true;
    BOOST_TEST(render(step(S::starting, E::spawn_failed, w.facts())) == "absent: report_error:boom exit_angel:1 end");
    BOOST_TEST(render(step(S::failing, E::stop_done, w.facts())) == "absent: report_error:boom exit_angel:1 end");
}

BOOST_AUTO_TEST_SUITE_END()


}  // namespace angel
