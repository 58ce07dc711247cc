// The sync (spec 7): the kill queue one kill at a time (D10), one sync at a time
// (D13), coalesced HUPs, the poll, shutdown (spec 8, D14), on the fake clock.
#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {
namespace {

ProgramSpec graced(const std::string& id, std::int64_t grace) {
    ProgramSpec p = program(id);
    p.termgrace = grace;
    return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sync_queue)

BOOST_AUTO_TEST_CASE(kills_run_one_after_another_in_id_order) {  // D10, spec 7.7's example
    ProgramSpec s2 = graced("s2", 2);
    Rig rig(specs({graced("c1", 3), program("n1"), graced("s1", 2), s2}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    const std::size_t mark = rig.world.lines.size();
    rig.engine.on_shutdown_signal();
    BOOST_TEST(rig.engine.phase() == Phase::shutting_down);
    rig.world.advance_seconds(7);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {main} INT | TERM received; initiating shutdown...\n"
               "0 {main}   1. Clearing config\n"
               "0 {main}   2. Forcing sync to kill running processes\n"
               "0 {process-monitor} Must kill=4, must start=0\n"
               "0 {process-killer} Attempting soft kill c1 before hard killing\n"
               "0 {process-killer} Waiting 3 seconds for c1 to die\n"
               "3 {process-killer} Hard killing c1\n"
               "3 {process-killer} Soft killing n1\n"
               "3 {process-killer} Attempting soft kill s1 before hard killing\n"
               "3 {process-killer} Waiting 2 seconds for s1 to die\n"
               "3 {- program: c1 -} ENDED\n"
               "3 {- program: c1 -} QUIT\n"
               "5 {process-killer} Hard killing s1\n"
               "5 {process-killer} Attempting soft kill s2 before hard killing\n"
               "5 {process-killer} Waiting 2 seconds for s2 to die\n"
               "5 {- program: s1 -} ENDED\n"
               "5 {- program: s1 -} QUIT\n"
               "7 {process-killer} Hard killing s2\n"
               "7 {main} That's all folks!\n");
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.phase() == Phase::finished);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_logger_doubles_the_wait) {
    ProgramSpec p = graced("p", 2);
    p.logger = "cat";
    Rig rig(specs({p}));
    rig.world.ignore_term_for = {"sleep", "cat"};
    rig.engine.start();
    const std::size_t mark = rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(4);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {process-monitor} Must kill=1, must start=0\n"
               "0 {process-killer} Attempting soft kill p before hard killing\n"
               "0 {process-killer} Waiting 2 seconds for p to die\n"
               "2 {process-killer} Hard killing p\n"
               "2 {process-killer} Attempting soft kill p before hard killing\n"
               "2 {process-killer} Waiting 2 seconds for p to die\n"
               "2 {- program: p -} ENDED\n"
               "2 {- program: p -} QUIT\n"
               "4 {process-killer} Hard killing p\n"
               "4 {- program: logger for p -} ENDED\n");
    BOOST_TEST(rig.engine.phase() == Phase::idle);
}

BOOST_AUTO_TEST_CASE(hard_killing_is_logged_after_the_whole_grace_even_if_the_child_died) {  // D9
    ProgramSpec p = graced("p", 3);
    p.delay = 0;
    Rig rig(specs({p}));
    rig.engine.start();
    const pid_t first = rig.world.pid_of("p");
    ProgramSpec changed = graced("p", 3);
    changed.exec = "sleep 200";
    rig.reload(specs({changed}));  // TERM: the child dies at once, restarts at once (delay 0)
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::running);
    const pid_t second = rig.world.pid_of("p");
    BOOST_TEST(second != first);
    BOOST_TEST(rig.engine.phase() == Phase::loading);  // the sync still waits its grace
    BOOST_TEST(rig.engine.sync_stop() != nullptr);
    BOOST_TEST(rig.engine.sync_stop()->target().pid == first);
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.count("Hard killing p") == 1u);
    BOOST_TEST(rig.world.lines.back() == "3 {process-killer} Hard killing p");
    // No SIGKILL to the reaped pid, none to the new generation.
    for (const auto& [pid, sig] : rig.world.signals_sent) BOOST_TEST(sig != SIGKILL);
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::running);  // not `killed`
    BOOST_TEST(rig.engine.phase() == Phase::idle);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_hard_killed_program_is_not_killed_again) {
    Rig rig(specs({graced("p", 1)}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(1);
    // KILL sent at 1: the child is dying; its exit comes later than the next sync.
    BOOST_TEST(rig.world.signals_sent.back().second == SIGKILL);
}

BOOST_AUTO_TEST_CASE(a_term_ignoring_program_is_soft_killed_at_every_sync) {  // D16
    Rig rig(specs({program("p")}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(20);
    BOOST_TEST(rig.world.count("Soft killing p") == 3u);  // the HUP, the ticks at 10 and 20
    BOOST_TEST(rig.world.count("Must kill=1, must start=0") == 3u);
}

BOOST_AUTO_TEST_CASE(one_sync_at_a_time_a_tick_during_a_grace_wait_waits) {  // D13
    Rig rig(specs({graced("slow", 15), program("other")}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(specs({program("other")}));  // at 0: kill `slow`, 15 s of grace
    rig.world.advance_seconds(14);
    BOOST_TEST(rig.engine.phase() == Phase::loading);
    BOOST_TEST(rig.world.count("Must kill") == 2u);  // the tick at 10 did not run a second sync
    rig.world.advance_seconds(1);  // 15: grace over, the sync ends, the waiting tick runs
    BOOST_TEST(rig.world.count("Hard killing slow") == 1u);
    BOOST_TEST(rig.world.count("Attempting soft kill slow") == 1u);
    BOOST_TEST(rig.engine.phase() == Phase::idle);
}

BOOST_AUTO_TEST_CASE(hups_during_a_sync_coalesce_into_one_reload) {  // spec 7.5
    Rig rig(specs({graced("slow", 5)}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(ProgramSpecs{});
    for (int i = 0; i < 5; ++i) {
        rig.world.advance_seconds(0.5);
        rig.engine.on_hup();
    }
    BOOST_TEST(rig.world.loads == 2);
    rig.world.advance_seconds(3);  // 5.5: grace over; the five HUPs give one reload
    BOOST_TEST(rig.world.loads == 3);
    BOOST_TEST(rig.world.count("HUP caught, reloading config") == 2u);
}

BOOST_AUTO_TEST_CASE(the_poll_ticks_every_10_seconds_from_the_end_of_the_last_sync) {  // spec 7.4
    Rig rig(specs({program("p", "./missing")}));
    rig.world.fail_exec.insert("./missing");
    rig.engine.start();
    rig.world.advance_seconds(30);
    BOOST_TEST(rig.world.launches == 4);  // 0, 10, 20, 30
    // A tick whose sync waits a grace moves the later ticks.
    Rig slow(specs({graced("g", 4)}));
    slow.world.ignore_term_for.insert("sleep");
    slow.engine.start();
    slow.world.config = ProgramSpecs{};
    slow.world.advance_seconds(9.5);
    slow.engine.on_hup();   // 9.5: reload, the kill waits until 13.5 (the tick at 10 waits)
    slow.world.advance_seconds(4);
    BOOST_TEST(slow.engine.phase() == Phase::idle);
    const std::size_t mark = slow.world.lines.size();
    slow.world.advance_seconds(9.9);  // 23.4: the next tick is due 10 s after 13.5
    BOOST_TEST(slow.world.count("Must kill") == 2u);  // the start's and the HUP's
    BOOST_TEST(slow.world.lines.size() == mark);
    BOOST_TEST(slow.world.armed_timers() >= 1u);
}

BOOST_AUTO_TEST_CASE(a_tick_with_nothing_to_do_logs_nothing) {
    Rig rig(specs({program("p")}));
    rig.engine.start();
    const std::size_t mark = rig.world.lines.size();
    rig.world.advance_seconds(60);
    BOOST_TEST(rig.world.lines.size() == mark);
}

BOOST_AUTO_TEST_CASE(shutdown_leaves_waiting_programs_and_ends_the_loop) {  // spec 8
    ProgramSpec w = program("w");
    w.delay = 100;
    Rig rig(specs({w, program("r")}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("w"));
    rig.world.advance_seconds(1);
    const std::size_t mark = rig.world.lines.size();
    rig.engine.on_shutdown_signal();
    BOOST_TEST(rig.world.log_text(mark) ==
               "1 {main} INT | TERM received; initiating shutdown...\n"
               "1 {main}   1. Clearing config\n"
               "1 {main}   2. Forcing sync to kill running processes\n"
               "1 {process-monitor} Must kill=1, must start=0\n"
               "1 {process-killer} Soft killing r\n"
               "1 {main} That's all folks!\n");
    BOOST_TEST(rig.world.finished);
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_the_sync_in_progress) {
    Rig rig(specs({graced("g", 3), program("p")}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(specs({program("p")}));
    rig.world.advance_seconds(1);
    rig.engine.on_shutdown_signal();
    rig.engine.on_shutdown_signal();  // ignored
    BOOST_TEST(rig.world.count("INT | TERM received") == 1u);
    BOOST_TEST(!rig.world.finished);
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.count("Soft killing p") == 1u);  // by the final sync, after the reload's
}

BOOST_AUTO_TEST_CASE(a_hup_after_shutdown_is_ignored) {  // D14, fixed
    Rig rig(specs({graced("g", 3)}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.engine.on_shutdown_signal();
    rig.reload(specs({program("new")}));
    rig.world.advance_seconds(3);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.loads == 1);
    BOOST_TEST(rig.world.count("HUP caught") == 0u);
    BOOST_TEST(rig.world.count("new") == 0u);
}

BOOST_AUTO_TEST_CASE(a_bad_config_keeps_the_last_good_set) {  // spec 7.6
    Rig rig(specs({program("p")}));
    rig.engine.start();
    const std::size_t mark = rig.reload(std::string("angel.conf:1:1: bad"));
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {config-monitor}  <<<< Config Error >>>>\nangel.conf:1:1: bad\n"
               "0 {config-monitor}  <<<< Config Error: Skipping reload >>>>\n");
    BOOST_TEST(rig.engine.desired().size() == 1u);
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::running);
}

BOOST_AUTO_TEST_CASE(count_three_to_one_kills_two) {  // spec 7.8
    Rig rig(specs({program("w-1"), program("w-2"), program("w-3")}));
    rig.engine.start();
    const std::size_t mark = rig.reload(specs({program("w-1")}));
    rig.world.advance_seconds(0);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {process-monitor} Must kill=2, must start=0\n"
               "0 {process-killer} Soft killing w-2\n"
               "0 {process-killer} Soft killing w-3\n"
               "0 {- program: w-2 -} ENDED\n"
               "0 {- program: w-2 -} QUIT\n"
               "0 {- program: w-3 -} ENDED\n"
               "0 {- program: w-3 -} QUIT\n");
}

BOOST_AUTO_TEST_CASE(thousands_of_soft_kills_do_not_recurse) {
    ProgramSpecs many;
    for (int i = 0; i < 20000; ++i) {
        ProgramSpec p = program(std::string("p").append(std::to_string(i)));
        many[p.id] = p;
    }
    Rig rig(many);
    rig.world.verbosity = 0;
    rig.engine.start();
    BOOST_TEST(rig.engine.instance_count() == 20000u);
    rig.engine.on_shutdown_signal();
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.signals_sent.size() == 20000u);
}

BOOST_AUTO_TEST_CASE(pidfiles_of_killed_programs_go_after_the_kills) {  // D22
    ProgramSpec p = program("p");
    p.pidfile = "p.pid";
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.engine.on_shutdown_signal();
    BOOST_TEST(!rig.world.files.contains("p.pid"));  // though the process survives
    BOOST_TEST(rig.world.live.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
