// Health checks (`check`) on the fake clock: when checks begin, one in flight at a
// time, CHECK FAILED lines, the replacement at the checkfails-th failure in a row
// (plain: stop and an immediate start; served: start-first), exec probes killed at
// their timeout and reaped through the pid index, and no check without the key.
#include <signal.h>
#include <sys/wait.h>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/health.hpp"
#include "fake_world.hpp"

namespace angel::test {
namespace {

CheckSpec check(CheckSpec::Kind kind, std::int64_t every = 1, std::int64_t timeout = 2, std::int64_t fails = 3) {
    CheckSpec c;
    c.kind = kind;
    c.text = kind == CheckSpec::Kind::exec ? "exec:probe" : "tcp:127.0.0.1:9";
    c.host = "127.0.0.1";
    c.port = 9;
    c.target = "probe";
    c.every = every;
    c.timeout = timeout;
    c.fails = fails;
    return c;
}

ProgramSpec checked(const std::string& id, CheckSpec c) {
    ProgramSpec p = program(id);
    p.check = std::move(c);
    return p;
}

ProgramSpec served(const std::string& id, CheckSpec c) {
    ProgramSpec s = checked(id, std::move(c));
    ServeSpec serve;
    serve.group = id;
    serve.listen = {*parse_listen_address("8080")};
    serve.ready = ReadySpec{ReadySpec::Kind::notify, 0};
    s.serve = serve;
    return s;
}

/// Seconds (fake clock) of the first check of a plain instance started at 0.
double first_check(const std::string& id, std::int64_t every) {
    return static_cast<double>(every) + static_cast<double>(check_offset(id, every).count()) / 1000.0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health_checks)

BOOST_AUTO_TEST_CASE(no_check_no_probe_and_the_same_log) {
    Rig plain(specs({program("w")}));
    plain.engine.start();
    plain.world.advance_seconds(60);
    BOOST_TEST(plain.world.probes_started == 0);
    BOOST_TEST(plain.world.armed_timers() == 1u);  // the poll only
}

BOOST_AUTO_TEST_CASE(first_check_is_checkevery_plus_the_offset_after_the_start) {
    Rig rig(specs({checked("w", check(CheckSpec::Kind::tcp, 10))}));
    rig.world.probe_answer = ProbeResult{true, {}};
    rig.engine.start();
    const double first = first_check("w", 10);
    rig.world.advance_seconds(first - 0.01);
    BOOST_TEST(rig.world.probes_started == 0);
    rig.world.advance_seconds(0.02);
    BOOST_TEST(rig.world.probes_started == 1);
    rig.world.advance_seconds(10);
    BOOST_TEST(rig.world.probes_started == 2);  // every 10 s from then on
    BOOST_TEST(rig.engine.status({"w"})[0].health->last == "ok");
    BOOST_TEST(rig.world.count("CHECK") == 0u);
}

BOOST_AUTO_TEST_CASE(three_failures_in_a_row_restart_a_plain_instance_at_once) {
    ProgramSpec p = checked("w", check(CheckSpec::Kind::tcp, 1, 2, 3));
    p.termgrace = 5;
    p.delay = 7;  // not waited: a replacement starts at once
    Rig rig(specs({p}));
    rig.world.probe_answer = ProbeResult{false, "connect: connection refused"};
    rig.engine.start();
    const pid_t old = rig.world.pid_of("w");
    const std::size_t mark = rig.world.lines.size();
    rig.world.advance_seconds(first_check("w", 1) + 2.0);
    BOOST_TEST(rig.world.count("{- program: w -} CHECK FAILED: connect: connection refused") == 3u);
    BOOST_TEST(rig.world.count("{- program: w -} UNHEALTHY, restarting: 3 checks failed in a row") == 1u);
    // TERM sent (its stopsignal); the checks stop during its stop.
    BOOST_TEST((rig.world.signals_sent == std::vector<std::pair<pid_t, int>>{{old, SIGTERM}}));
    const int probes = rig.world.probes_started;
    BOOST_TEST(rig.world.log_text(mark).find("WAITING") != std::string::npos);  // logged at its exit, wait 0
    BOOST_TEST(rig.world.pid_of("w") != old);
    BOOST_TEST(rig.world.count("RESTART") >= 1u);
    BOOST_TEST(probes == 3);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_term_ignoring_instance_is_killed_after_termgrace_then_restarted) {
    ProgramSpec p = checked("w", check(CheckSpec::Kind::tcp, 1, 1, 2));
    p.exec = "stubborn";
    p.termgrace = 4;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("stubborn");
    rig.world.probe_answer = ProbeResult{false, "http status 500"};
    rig.engine.start();
    const pid_t old = rig.world.pid_of("w");
    rig.world.advance_seconds(first_check("w", 1) + 1.0);
    BOOST_TEST(rig.world.count("UNHEALTHY") == 1u);
    BOOST_TEST(rig.world.pid_of("w") == old);  // its grace runs
    BOOST_TEST(rig.world.probes_started == 2);  // no check during the stop
    rig.world.advance_seconds(4);
    BOOST_TEST(rig.world.pid_of("w") != old);
    BOOST_TEST(rig.world.count("Hard killing w") == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_pass_ends_a_run_of_failures) {
    Rig rig(specs({checked("w", check(CheckSpec::Kind::tcp, 1, 1, 2))}));
    rig.world.probe_answer = ProbeResult{false, "connect: connection refused"};
    rig.engine.start();
    rig.world.advance_seconds(first_check("w", 1));
    BOOST_TEST(rig.engine.status({"w"})[0].health->failures == 1);
    rig.world.probe_answer = ProbeResult{true, {}};
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.status({"w"})[0].health->failures == 0);
    rig.world.probe_answer = ProbeResult{false, "connect: connection refused"};
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.count("UNHEALTHY") == 0u);
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.count("UNHEALTHY") == 1u);
}

BOOST_AUTO_TEST_CASE(a_hanging_check_times_out_and_only_one_is_in_flight) {
    // checktimeout 3 > checkevery 1: the next check waits for the one in flight.
    Rig rig(specs({checked("w", check(CheckSpec::Kind::http, 1, 3, 2))}));
    rig.engine.start();  // probe_answer unset: every check hangs
    const double first = first_check("w", 1);
    rig.world.advance_seconds(first + 2.9);
    BOOST_TEST(rig.world.probes_started == 1);
    rig.world.advance_seconds(0.2);
    BOOST_TEST(rig.world.count("CHECK FAILED: timeout after 3 s") == 1u);
    BOOST_TEST(rig.world.probes_started == 2);  // the due one begins when the first ends
    rig.world.advance_seconds(3);
    BOOST_TEST(rig.world.count("CHECK FAILED: timeout after 3 s") == 2u);
    BOOST_TEST(rig.world.count("UNHEALTHY") == 1u);
}

BOOST_AUTO_TEST_CASE(maxdelay_backs_off_a_quick_unhealthy_restart) {
    ProgramSpec p = checked("w", check(CheckSpec::Kind::tcp, 1, 1, 1));
    p.maxdelay = 60;
    p.delay = 0;
    Rig rig(specs({p}));
    rig.world.probe_answer = ProbeResult{false, "connect: connection refused"};
    rig.engine.start();
    rig.world.advance_seconds(first_check("w", 1));
    BOOST_TEST(rig.world.count("UNHEALTHY") == 1u);
    // A run shorter than maxdelay is a quick failure: the first waits max(delay, 1) = 1 s.
    BOOST_TEST(rig.engine.instance("w")->state == InstanceState::waiting);
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.instance("w")->state == InstanceState::running);
}

BOOST_AUTO_TEST_CASE(an_exec_probe_is_a_child_of_the_pid_index_not_an_instance_exit) {
    Rig rig(specs({checked("w", check(CheckSpec::Kind::exec, 1, 2, 3))}));
    rig.world.probe_exit = 0;  // exit 0
    rig.engine.start();
    const pid_t instance = rig.world.pid_of("w");
    rig.world.advance_seconds(first_check("w", 1) + 3.0);
    BOOST_TEST(rig.world.probe_pids.size() == 4u);
    BOOST_TEST(rig.world.pid_of("w") == instance);  // its probes' exits are not its own
    BOOST_TEST(rig.world.count("ENDED") == 0u);
    BOOST_TEST(rig.engine.child_count() == 1u);  // every probe reaped
    BOOST_TEST(rig.engine.status({"w"})[0].health->last == "ok");
    rig.world.probe_exit = 1 << 8;  // exit 1
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.count("{- program: w -} CHECK FAILED: exit 1") == 1u);
}

BOOST_AUTO_TEST_CASE(a_hung_exec_probe_is_killed_with_its_group_at_the_timeout) {
    Rig rig(specs({checked("w", check(CheckSpec::Kind::exec, 5, 2, 3))}));
    rig.engine.start();  // probe_exit unset: the probe hangs
    rig.world.advance_seconds(first_check("w", 5) + 2.0);
    BOOST_REQUIRE(rig.world.probe_pids.size() == 1u);
    const pid_t probe = rig.world.probe_pids[0];
    BOOST_TEST(rig.world.count("CHECK FAILED: timeout after 2 s") == 1u);
    BOOST_TEST((rig.world.signals_sent.back() == std::pair<pid_t, int>{-probe, SIGKILL}));
    BOOST_TEST(!rig.world.live.contains(probe));
    BOOST_TEST(rig.engine.child_count() == 1u);  // reaped: the instance's child only
    BOOST_TEST(rig.world.count("ENDED") == 0u);
}

BOOST_AUTO_TEST_CASE(a_probe_in_flight_is_abandoned_when_its_instance_leaves) {
    Rig rig(specs({checked("w", check(CheckSpec::Kind::exec, 1, 30, 3))}));
    rig.engine.start();
    rig.world.advance_seconds(first_check("w", 1));
    BOOST_REQUIRE(rig.world.probe_pids.size() == 1u);
    const pid_t probe = rig.world.probe_pids[0];
    rig.reload(ProgramSpecs{});
    rig.world.deliver_exits();  // the instance's exit, then its probe's
    BOOST_TEST(!rig.world.live.contains(probe));  // its group killed with the Health
    BOOST_TEST(rig.engine.child_count() == 0u);
    BOOST_TEST(rig.engine.instance_count() == 0u);
    rig.world.advance_seconds(60);
    BOOST_TEST(rig.world.probe_pids.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_served_instance_is_replaced_start_first) {
    Rig rig(specs({served("web", check(CheckSpec::Kind::http, 1, 1, 2))}));
    rig.world.probe_answer = ProbeResult{true, {}};
    rig.engine.start();
    const pid_t old = rig.world.pid_of_served("web");
    rig.world.say(old, ReadyMessage::Kind::ready);
    // At ready: first check after the offset only.
    rig.world.advance_seconds(static_cast<double>(check_offset("web", 1).count()) / 1000.0 + 0.001);
    BOOST_TEST(rig.world.probes_started == 1);
    rig.world.probe_answer = ProbeResult{false, "http status 503"};
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.count("{- program: web -} CHECK FAILED: http status 503") == 2u);
    BOOST_TEST(rig.world.count("{- program: web -} RECYCLE: unhealthy: 2 checks failed in a row") == 1u);
    // The old one keeps serving (unsignalled) until the new one is ready.
    BOOST_TEST(rig.world.live.at(old).signals.empty());
    BOOST_TEST(rig.engine.slot("web")->serving()->pid == old);
    const Generation* fresh = rig.engine.slot("web")->candidate();
    BOOST_REQUIRE(fresh != nullptr);
    rig.world.probe_answer = ProbeResult{true, {}};
    rig.world.say(fresh->pid, ReadyMessage::Kind::ready);
    BOOST_TEST((rig.world.live.count(old) == 0 || !rig.world.live.at(old).signals.empty()));
    BOOST_TEST(rig.engine.slot("web")->serving()->pid != old);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_missed_watchdog_replaces_a_served_instance_start_first) {
    ProgramSpec p = served("web", check(CheckSpec::Kind::tcp));
    p.check.reset();
    p.watchdog = 5;
    Rig rig(specs({p}));
    rig.engine.start();
    const pid_t old = rig.world.pid_of_served("web");
    rig.world.advance_seconds(30);  // no keep-alive needed before it is ready
    BOOST_TEST(rig.world.count("WATCHDOG") == 0u);
    rig.world.say(old, ReadyMessage::Kind::ready);
    for (int i = 0; i < 4; ++i) {
        rig.world.advance_seconds(4);
        rig.world.say(old, ReadyMessage::Kind::watchdog);
    }
    BOOST_TEST(rig.world.count("WATCHDOG") == 0u);
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.world.count("{- program: web -} WATCHDOG: no keep-alive for 5 seconds") == 1u);
    BOOST_TEST(rig.world.count("{- program: web -} RECYCLE: unhealthy: watchdog") == 1u);
    BOOST_TEST(rig.engine.slot("web")->serving()->pid == old);  // serving until the new one is ready
    const Generation* fresh = rig.engine.slot("web")->candidate();
    BOOST_REQUIRE(fresh != nullptr);
    BOOST_TEST(rig.world.served_launches.size() == 2u);
    rig.world.say(fresh->pid, ReadyMessage::Kind::ready);
    BOOST_TEST(rig.engine.slot("web")->serving()->pid != old);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
