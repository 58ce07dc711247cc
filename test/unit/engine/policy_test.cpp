// The opt-in policy keys of a plain program, on the fake clock: `stopsignal` at a
// sync kill, at shutdown and at angelctl restart; `restart` and `okexit`: done and
// failed one-shots, kept by a HUP that keeps their spec, run again by one that changes it.
#include <signal.h>

#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {
namespace {

ProgramSpec quitting(const std::string& id, std::optional<std::int64_t> grace) {
    ProgramSpec p = program(id);
    p.stopsignal = SIGQUIT;
    p.termgrace = grace;
    return p;
}

/// The signals sent to `pid`, in order.
std::vector<int> signals_to(const FakeWorld& world, pid_t pid) {
    std::vector<int> out;
    for (const auto& [to, sig] : world.signals_sent) {
        if (to == pid) out.push_back(sig);
    }
    return out;
}

ProgramSpec one_shot(const std::string& id, RestartPolicy policy) {
    ProgramSpec p = program(id);
    p.restart = policy;
    p.delay = 1;
    return p;
}

std::string state_of(Rig& rig, const std::string& id) { return std::string(name_of(rig.engine.status({id})[0].state)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(policy_stopsignal)

BOOST_AUTO_TEST_CASE(a_sync_kill_sends_the_stop_signal_then_kill_after_the_grace) {
    Rig rig(specs({quitting("q", 2)}));
    rig.engine.start();
    const pid_t pid = rig.world.pid_of("q");
    const std::size_t mark = rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(2);
    BOOST_TEST(signals_to(rig.world, pid) == (std::vector<int>{SIGQUIT, SIGKILL}));
    // The log is the original's, whatever the signal.
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {process-monitor} Must kill=1, must start=0\n"
               "0 {process-killer} Attempting soft kill q before hard killing\n"
               "0 {process-killer} Waiting 2 seconds for q to die\n"
               "2 {process-killer} Hard killing q\n"
               "2 {- program: q -} ENDED\n"
               "2 {- program: q -} QUIT\n");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_soft_kill_sends_the_stop_signal_and_the_logger_gets_term) {
    ProgramSpec p = quitting("q", std::nullopt);
    p.logger = "cat";
    Rig rig(specs({p}));
    rig.engine.start();
    const pid_t pid = rig.world.pid_of("q");
    const pid_t logger = rig.engine.instance("q")->logger_pid;
    rig.reload(ProgramSpecs{});
    BOOST_TEST(signals_to(rig.world, pid) == (std::vector<int>{SIGQUIT}));
    BOOST_TEST(signals_to(rig.world, logger) == (std::vector<int>{SIGTERM}));
    BOOST_TEST(rig.world.count("Soft killing q") == 2u);
}

BOOST_AUTO_TEST_CASE(shutdown_sends_the_stop_signal) {
    Rig rig(specs({quitting("q", 1), program("t")}));
    rig.engine.start();
    const pid_t q = rig.world.pid_of("q");
    const pid_t t = rig.world.pid_of("t");
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(1);
    BOOST_TEST(signals_to(rig.world, q) == (std::vector<int>{SIGQUIT, SIGKILL}));
    BOOST_TEST(signals_to(rig.world, t) == (std::vector<int>{SIGTERM}));  // the default
    BOOST_TEST(rig.world.finished);
}

BOOST_AUTO_TEST_CASE(a_killgroup_program_gets_it_as_a_group) {
    ProgramSpec p = quitting("q", 1);
    p.killgroup = true;
    Rig rig(specs({p}));
    rig.engine.start();
    const pid_t pid = rig.world.pid_of("q");
    rig.reload(ProgramSpecs{});
    BOOST_TEST(signals_to(rig.world, -pid) == (std::vector<int>{SIGQUIT}));
}

BOOST_AUTO_TEST_CASE(angelctl_restart_stops_with_it) {
    Rig rig(specs({quitting("q", 1)}));
    rig.engine.start();
    const pid_t before = rig.world.pid_of("q");
    auto begun = rig.engine.restart("q");
    BOOST_REQUIRE(std::holds_alternative<RequestToken>(begun));
    rig.world.advance_seconds(1.5);  // QUIT is not TERM here: KILL after the grace
    BOOST_TEST(signals_to(rig.world, before) == (std::vector<int>{SIGQUIT, SIGKILL}));
    BOOST_TEST(rig.world.pid_of("q") != before);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test

namespace angel::test {

BOOST_AUTO_TEST_SUITE(policy_restart)

BOOST_AUTO_TEST_CASE(never_exit_0_is_done_and_not_started_again) {
    Rig rig(specs({one_shot("m", RestartPolicy::never)}));
    rig.engine.start();
    const std::size_t launches = rig.world.launches;
    const std::size_t mark = rig.world.lines.size();
    rig.world.advance_seconds(1);
    exits(rig, "m", 0 << 8);
    rig.world.advance_seconds(35);  // three polls
    BOOST_TEST(rig.world.log_text(mark) ==
               "1 {- program: m -} ENDED\n"
               "1 {- program: m -} DONE, not restarted (restart = \"never\"): exit 0\n");
    BOOST_TEST(rig.engine.instance("m")->state == InstanceState::done);
    BOOST_TEST(state_of(rig, "m") == "done");
    BOOST_TEST(rig.world.launches == launches);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(never_exit_3_and_a_signal_are_failed) {
    Rig rig(specs({one_shot("m", RestartPolicy::never), one_shot("k", RestartPolicy::never)}));
    rig.engine.start();
    exits(rig, "m", 3 << 8);
    exits(rig, "k", SIGKILL);
    rig.world.advance_seconds(15);
    BOOST_TEST(rig.world.count("{- program: m -} FAILED, not restarted (restart = \"never\"): exit 3") == 1u);
    BOOST_TEST(rig.world.count("{- program: k -} FAILED, not restarted (restart = \"never\"): signal 9 (KILL)") == 1u);
    BOOST_TEST(state_of(rig, "m") == "failed");
    BOOST_TEST(state_of(rig, "k") == "failed");
    BOOST_TEST(rig.world.count("START") == 2u);
}

BOOST_AUTO_TEST_CASE(on_failure_restarts_exit_3_and_a_signal_not_exit_0) {
    Rig rig(specs({one_shot("m", RestartPolicy::on_failure)}));
    rig.engine.start();
    exits(rig, "m", 3 << 8);
    BOOST_TEST(rig.world.lines.back() == "0 {- program: m -} WAITING");
    rig.world.advance_seconds(1.5);
    BOOST_TEST(state_of(rig, "m") == "running");
    exits(rig, "m", SIGSEGV);
    rig.world.advance_seconds(1.5);
    BOOST_TEST(state_of(rig, "m") == "running");
    exits(rig, "m", 0);
    BOOST_TEST(rig.world.lines.back() ==
               "3 {- program: m -} DONE, not restarted (restart = \"on-failure\"): exit 0");
    rig.world.advance_seconds(15);
    BOOST_TEST(state_of(rig, "m") == "done");
    BOOST_TEST(rig.world.count("RESTART") == 2u);
}

BOOST_AUTO_TEST_CASE(okexit_is_the_list_of_successes) {
    ProgramSpec p = one_shot("m", RestartPolicy::on_failure);
    p.okexit = {0, 3};
    Rig rig(specs({p}));
    rig.engine.start();
    exits(rig, "m", 3 << 8);
    BOOST_TEST(state_of(rig, "m") == "done");
}

BOOST_AUTO_TEST_CASE(a_hup_that_keeps_the_spec_keeps_it_done) {
    const ProgramSpec p = one_shot("m", RestartPolicy::never);
    Rig rig(specs({p}));
    rig.engine.start();
    exits(rig, "m", 0);
    const std::size_t launches = rig.world.launches;
    rig.reload(specs({p, program("other")}));
    rig.world.advance_seconds(12);
    BOOST_TEST(state_of(rig, "m") == "done");
    BOOST_TEST(rig.world.launches == launches + 1);  // `other` only
}

BOOST_AUTO_TEST_CASE(a_hup_that_changes_the_spec_runs_it_again) {
    ProgramSpec p = one_shot("m", RestartPolicy::never);
    Rig rig(specs({p}));
    rig.engine.start();
    exits(rig, "m", 3 << 8);
    p.exec = "sleep 200";
    const std::size_t mark = rig.reload(specs({p}));
    BOOST_TEST(rig.world.log_text(mark).starts_with(
        "0 {config-monitor} HUP caught, reloading config\n"
        "0 {process-monitor} Must kill=0, must start=1\n"
        "0 {- program: m -} START\n"));
    BOOST_TEST(state_of(rig, "m") == "running");
    BOOST_TEST(rig.world.launched_specs.at(rig.world.pid_of("m")).exec == "sleep 200");
    exits(rig, "m", 0);
    BOOST_TEST(state_of(rig, "m") == "done");  // the new spec's policy: ended again
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

// Found in review: the sync's own kill of a running one-shot whose spec a HUP changed
// was judged by `restart` (FAILED/DONE, not restarted): it is replaced as any program.
BOOST_AUTO_TEST_CASE(a_hup_that_changes_a_running_one_shot_replaces_it) {
    ProgramSpec p = one_shot("m", RestartPolicy::never);
    Rig rig(specs({p}));
    rig.engine.start();
    const pid_t before = rig.world.pid_of("m");
    p.exec = "sleep 200";
    const std::size_t mark = rig.reload(specs({p}));
    rig.world.advance_seconds(1.5);
    const std::string log = rig.world.log_text(mark);
    BOOST_TEST(log.find("WAITING") != std::string::npos);
    BOOST_TEST(log.find("RESTART") != std::string::npos);
    BOOST_TEST(log.find("not restarted") == std::string::npos);
    BOOST_TEST(state_of(rig, "m") == "running");
    BOOST_TEST(rig.world.pid_of("m") != before);
    BOOST_TEST(rig.world.launched_specs.at(rig.world.pid_of("m")).exec == "sleep 200");
}

// A rerun is a start like a new id's: in id order (D24).
BOOST_AUTO_TEST_CASE(reruns_and_new_ids_start_in_id_order) {
    ProgramSpec m = one_shot("m", RestartPolicy::never);
    Rig rig(specs({m}));
    rig.engine.start();
    exits(rig, "m", 0);
    m.exec = "sleep 200";
    const std::size_t mark = rig.reload(specs({program("a"), m, program("z")}));
    const std::string log = rig.world.log_text(mark);
    const auto a = log.find("{- program: a -} START"), mm = log.find("{- program: m -} START"),
               z = log.find("{- program: z -} START");
    BOOST_REQUIRE(a != std::string::npos);
    BOOST_REQUIRE(mm != std::string::npos);
    BOOST_REQUIRE(z != std::string::npos);
    BOOST_TEST((a < mm && mm < z));
}

BOOST_AUTO_TEST_CASE(a_hup_that_removes_it_quits_it) {
    Rig rig(specs({one_shot("m", RestartPolicy::never), program("other")}));
    rig.engine.start();
    exits(rig, "m", 0);
    const std::size_t mark = rig.reload(specs({program("other")}));
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {- program: m -} QUIT\n");
    BOOST_TEST(rig.engine.instance("m") == nullptr);
    // Back in the config with the same spec: a new program, started.
    rig.reload(specs({one_shot("m", RestartPolicy::never), program("other")}));
    BOOST_TEST(state_of(rig, "m") == "running");
}

BOOST_AUTO_TEST_CASE(shutdown_with_a_done_program_finishes) {
    Rig rig(specs({one_shot("m", RestartPolicy::never), program("other")}));
    rig.engine.start();
    exits(rig, "m", 0);
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.count("{- program: m -} QUIT") == 1u);
}

BOOST_AUTO_TEST_CASE(angelctl_restart_restarts_whatever_the_policy_but_not_a_done_one) {
    Rig rig(specs({one_shot("m", RestartPolicy::never)}));
    rig.engine.start();
    const pid_t before = rig.world.pid_of("m");
    BOOST_REQUIRE(std::holds_alternative<RequestToken>(rig.engine.restart("m")));
    rig.world.advance_seconds(0.1);
    BOOST_TEST(rig.world.pid_of("m") != before);  // TERM'd by angelctl: restarted
    exits(rig, "m", 0);
    auto refused = rig.engine.restart("m");
    BOOST_REQUIRE(std::holds_alternative<std::string>(refused));
    BOOST_TEST(std::get<std::string>(refused) ==
               "m is done (restart = \"never\"); angelctl start, or a HUP that changes its block, runs it again");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
