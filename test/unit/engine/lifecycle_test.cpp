// One program's lifecycle (spec 6) through the engine, on the fake clock.
#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(start_runs_every_desired_program_in_id_order) {
    Rig rig(specs({program("b"), program("a")}));
    rig.engine.start();
    BOOST_TEST(rig.world.log_text() ==
               "0 {process-monitor} Must kill=0, must start=2\n"
               "0 {- program: a -} START\n"
               "0 {- program: a -} Spawning process: sleep with env []\n"
               "0 {- program: a -} RUNNING\n"
               "0 {- program: b -} START\n"
               "0 {- program: b -} Spawning process: sleep with env []\n"
               "0 {- program: b -} RUNNING\n");
    BOOST_TEST(rig.world.live.size() == 2u);
    BOOST_TEST(rig.engine.phase() == Phase::idle);
    BOOST_TEST(rig.engine.instance("a")->state == InstanceState::running);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(exit_waits_the_delay_then_restarts) {
    ProgramSpec p = program("p");
    p.delay = 3;
    Rig rig(specs({p}));
    rig.engine.start();
    const std::size_t mark = rig.world.lines.size();
    rig.world.advance_seconds(1);
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.advance_seconds(2.9);  // 3.9: the delay runs from the exit at 1
    BOOST_TEST(rig.world.log_text(mark) ==
               "1 {- program: p -} ENDED\n"
               "1 {- program: p -} WAITING\n");
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::waiting);
    rig.world.advance_seconds(0.2);
    BOOST_TEST(rig.world.log_text(mark) ==
               "1 {- program: p -} ENDED\n"
               "1 {- program: p -} WAITING\n"
               "4 {- program: p -} RESTART\n"
               "4 {- program: p -} START\n"
               "4 {- program: p -} Spawning process: sleep with env []\n"
               "4 {- program: p -} RUNNING\n");
    BOOST_TEST(rig.world.launches == 2);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(absent_delay_is_five_seconds_and_zero_is_at_once) {
    ProgramSpec zero = program("zero");
    zero.delay = 0;
    Rig rig(specs({program("five"), zero}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("five"));
    rig.world.exit_now(rig.world.pid_of("zero"));
    rig.world.advance_seconds(0);
    BOOST_TEST(rig.engine.instance("zero")->state == InstanceState::running);  // D23: no pause
    BOOST_TEST(rig.engine.instance("five")->state == InstanceState::waiting);
    rig.world.advance_seconds(4.9);
    BOOST_TEST(rig.engine.instance("five")->state == InstanceState::waiting);
    rig.world.advance_seconds(0.1);
    BOOST_TEST(rig.engine.instance("five")->state == InstanceState::running);
}

BOOST_AUTO_TEST_CASE(removed_while_waiting_quits_at_restart) {
    ProgramSpec p = program("p");
    p.delay = 2;
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.advance_seconds(0.5);
    const std::size_t mark = rig.reload(ProgramSpecs{});  // nothing runs: nothing is killed (spec 6)
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0.5 {config-monitor} HUP caught, reloading config\n"
               "2 {- program: p -} RESTART\n"
               "2 {- program: p -} START\n"
               "2 {- program: p -} QUIT (missing from config on restart)\n");
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(spawn_failure_ends_the_entry_and_the_next_sync_retries) {  // D5
    Rig rig(specs({program("p", "./missing")}));
    rig.world.fail_exec.insert("./missing");
    rig.engine.start();
    BOOST_TEST(rig.world.log_text() ==
               "0 {process-monitor} Must kill=0, must start=1\n"
               "0 {- program: p -} START\n"
               "0 {- program: p -} Spawning process: ./missing with env []\n"
               "0 stderr: ./missing: createProcess: posix_spawnp: does not exist\n");
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    rig.world.advance_seconds(9.9);
    BOOST_TEST(rig.world.launches == 1);
    rig.world.advance_seconds(0.1);  // the poll
    BOOST_TEST(rig.world.launches == 2);
    BOOST_TEST(rig.world.count("Must kill=0, must start=1") == 2u);
}

BOOST_AUTO_TEST_CASE(empty_exec_is_the_head_of_an_empty_list) {  // D18
    Rig rig(specs({program("p", "")}));
    rig.engine.start();
    BOOST_TEST(rig.world.count("stderr: Prelude.head: empty list") == 1u);
    BOOST_TEST(rig.world.launches == 0);
    BOOST_TEST(rig.engine.instance("p") == nullptr);
}

BOOST_AUTO_TEST_CASE(pidfile_written_at_start_and_removed_at_exit) {
    ProgramSpec p = program("p");
    p.pidfile = "p.pid";
    Rig rig(specs({p}));
    rig.engine.start();
    BOOST_TEST(rig.world.files.contains("p.pid"));
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.advance_seconds(0);
    BOOST_TEST(!rig.world.files.contains("p.pid"));
}

BOOST_AUTO_TEST_CASE(pidfile_failure_kills_and_reaps_the_child_then_reports) {  // D8
    ProgramSpec p = program("p");
    p.pidfile = "/ro/p.pid";
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.unwritable.insert("/ro/p.pid");
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::failing);
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.log_text() ==
               "0 {process-monitor} Must kill=0, must start=1\n"
               "0 {- program: p -} START\n"
               "0 {- program: p -} Spawning process: sleep with env []\n"
               "0 {- program: p -} Failed to create pidfile\n"
               "0 {process-killer} Attempting soft kill p before hard killing\n"
               "0 {process-killer} Waiting 2 seconds for p to die\n"
               "2 {process-killer} Hard killing p\n"
               "2 stderr: /ro/p.pid: openFile: permission denied (Permission denied)\n");
    BOOST_TEST(rig.world.live.empty());       // killed
    BOOST_TEST(rig.engine.child_count() == 0u);  // and reaped, its ENDED not logged
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(pidfile_failure_with_soft_kill_reports_at_once) {
    ProgramSpec p = program("p");
    p.pidfile = "/ro/p.pid";
    Rig rig(specs({p}));
    rig.world.unwritable.insert("/ro/p.pid");
    rig.engine.start();
    BOOST_TEST(rig.world.count("Soft killing p") == 1u);
    BOOST_TEST(rig.world.count("stderr: /ro/p.pid") == 1u);
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    rig.world.advance_seconds(0);
    BOOST_TEST(rig.world.count("ENDED") == 0u);
}

BOOST_AUTO_TEST_CASE(logger_runs_before_its_program_and_its_end_is_logged_after_quit) {
    ProgramSpec p = program("p");
    p.logger = "cat";
    Rig rig(specs({p}));
    rig.engine.start();
    BOOST_TEST(rig.world.log_text() ==
               "0 {process-monitor} Must kill=0, must start=1\n"
               "0 {- program: p -} START\n"
               "0 {- program: p -} Spawning process: sleep with env []\n"
               "0 {- program: p -} Spawning logger process\n"
               "0 {- program: logger for p -} RUNNING\n"
               "0 {- program: p -} RUNNING\n");
    const pid_t logger = rig.engine.instance("p")->logger_pid;
    const std::size_t mark = rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(0);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {process-monitor} Must kill=1, must start=0\n"
               "0 {process-killer} Soft killing p\n"
               "0 {process-killer} Soft killing p\n"
               "0 {- program: p -} ENDED\n"
               "0 {- program: p -} QUIT\n"
               "0 {- program: logger for p -} ENDED\n");
    BOOST_TEST((rig.world.signals_sent.back() == std::pair<pid_t, int>{logger, SIGTERM}));
}

BOOST_AUTO_TEST_CASE(logger_that_cannot_start_fails_the_spawn) {
    ProgramSpec p = program("p");
    p.logger = "nolog";
    Rig rig(specs({p}));
    rig.world.fail_exec.insert("nolog");
    rig.engine.start();
    BOOST_TEST(rig.world.count("stderr: nolog: createProcess") == 1u);
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(rig.engine.instance("p") == nullptr);
}

BOOST_AUTO_TEST_CASE(a_changed_program_restarts_with_its_old_delay_and_new_spec) {  // spec 7.8
    ProgramSpec old = program("chg", "sleep 1");
    old.delay = 1;
    Rig rig(specs({old}));
    rig.engine.start();
    ProgramSpec changed = program("chg", "sleep 2");
    changed.delay = 4;
    const std::size_t mark = rig.reload(specs({changed}));
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {process-monitor} Must kill=1, must start=0\n"
               "0 {process-killer} Soft killing chg\n"
               "0 {- program: chg -} ENDED\n"
               "0 {- program: chg -} WAITING\n"
               "1 {- program: chg -} RESTART\n"
               "1 {- program: chg -} START\n"
               "1 {- program: chg -} Spawning process: sleep with env []\n"
               "1 {- program: chg -} RUNNING\n");
    BOOST_TEST(rig.engine.instance("chg")->spec.exec == "sleep 2");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test

namespace angel::test {

BOOST_AUTO_TEST_SUITE(operating_keys)

BOOST_AUTO_TEST_CASE(maxdelay_backs_off_a_crash_loop_and_a_long_run_resets_it) {
    ProgramSpec p = program("p");
    p.delay = 1;
    p.maxdelay = 5;
    Rig rig(specs({p}));
    rig.engine.start();
    std::vector<double> starts{0};
    for (int i = 0; i < 5; ++i) {  // dies at once, five times: waits 1, 2, 4, 5, 5
        rig.world.exit_now(rig.world.pid_of("p"));
        const int launches = rig.world.launches;
        while (rig.world.launches == launches) rig.world.advance_seconds(0.5);
        starts.push_back(rig.world.seconds());
    }
    BOOST_TEST(starts == (std::vector<double>{0, 1, 3, 7, 12, 17}), boost::test_tools::per_element());
    rig.world.advance_seconds(6);  // a run longer than maxdelay
    rig.world.exit_now(rig.world.pid_of("p"));
    const int launches = rig.world.launches;
    rig.world.advance_seconds(1.1);
    BOOST_TEST(rig.world.launches == launches + 1);  // back to `delay`
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(killgroup_signals_the_process_group) {
    ProgramSpec p = program("p");
    p.killgroup = true;
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    const pid_t pid = rig.world.pid_of("p");
    rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(3);
    BOOST_TEST((rig.world.signals_sent == std::vector<std::pair<pid_t, int>>{{-pid, SIGTERM}, {-pid, SIGKILL}}));
    BOOST_TEST(rig.world.live.empty());
}

BOOST_AUTO_TEST_CASE(service_manager_notifications) {
    Rig rig(specs({program("p")}));
    rig.engine.start();
    BOOST_TEST(rig.world.notified == (std::vector<std::string>{"READY=1"}), boost::test_tools::per_element());
    rig.reload(std::string("broken"));  // a failed reload is still a reload that ended
    rig.reload(specs({program("p"), program("q")}));
    rig.engine.on_shutdown_signal();
    BOOST_TEST(rig.world.notified ==
                   (std::vector<std::string>{"READY=1", "RELOADING=1", "READY=1", "RELOADING=1", "READY=1", "STOPPING=1"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_ready_after_stopping) {
    // A TERM while a reload waits on a kill's grace: the reload ends after STOPPING=1,
    // and a READY=1 then would tell systemd the stopping service is up again.
    ProgramSpec p = program("p");
    p.termgrace = 3;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(1);
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.world.notified == (std::vector<std::string>{"READY=1", "RELOADING=1", "STOPPING=1"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
