// angelctl stop and start, on the fake clock: a stop is a removal's kill and holds the
// program down (not restarted after `delay`, kept by a HUP, forgotten by one that
// removes it) until a start; the events that may coincide with a stop (its delay timer,
// a sync's kill, angelctl restart, a served rollout, shutdown); a served slot stops
// every generation and starts back to its count.
#include <signal.h>

#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel {
inline std::ostream& operator<<(std::ostream& os, RunState s) { return os << name_of(s); }
}  // namespace angel

namespace angel::test {
namespace {

RunState state_of(Rig& rig, const std::string& id) { return rig.engine.status({id})[0].state; }

/// The outcome of a request that had to wait, now (fails the test if it is still under way).
RequestOutcome outcome_of(Rig& rig, const std::variant<RequestToken, RequestOutcome>& begun) {
    BOOST_REQUIRE(std::holds_alternative<RequestToken>(begun));
    auto outcome = rig.engine.request_outcome(std::get<RequestToken>(begun));
    BOOST_REQUIRE(outcome.has_value());
    return *outcome;
}

/// The answer of a request that did not wait.
RequestOutcome answer_of(const std::variant<RequestToken, RequestOutcome>& begun) {
    BOOST_REQUIRE(std::holds_alternative<RequestOutcome>(begun));
    return std::get<RequestOutcome>(begun);
}

ProgramSpec served(int k) {
    ProgramSpec s = program("web-" + std::to_string(k), "srv 1");
    s.env = {{"ANGEL_PROCESS_NUMBER", std::to_string(k)}};
    ServeSpec serve;
    serve.group = "web";
    serve.listen = {*parse_listen_address("8080")};
    serve.ready = ReadySpec{ReadySpec::Kind::notify, 0};
    serve.surge = 1;
    s.serve = serve;
    return s;
}

constexpr const char* kStopped = "STOPPED by angelctl: not restarted before angelctl start";

}  // namespace

BOOST_AUTO_TEST_SUITE(stop_start)

BOOST_AUTO_TEST_CASE(stop_kills_as_a_removal_and_holds_it_down) {
    ProgramSpec p = program("p");
    p.delay = 1;
    p.termgrace = 2;
    p.pidfile = "/run/p.pid";
    p.logger = "cat";
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    const pid_t pid = rig.world.pid_of("p");
    const pid_t logger = rig.engine.instance("p")->logger_pid;
    const std::size_t mark = rig.world.lines.size();
    auto begun = rig.engine.stop_program("p");
    BOOST_REQUIRE(std::holds_alternative<RequestToken>(begun));
    BOOST_TEST(!rig.engine.request_outcome(std::get<RequestToken>(begun)).has_value());
    BOOST_TEST(state_of(rig, "p") == RunState::stopping);
    rig.world.advance_seconds(2.5);
    BOOST_TEST(outcome_of(rig, begun).text == "p stopped");
    BOOST_TEST(outcome_of(rig, begun).ok);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {- program: p -} STOP asked by angelctl\n"
               "0 {process-killer} Attempting soft kill p before hard killing\n"
               "0 {process-killer} Waiting 2 seconds for p to die\n"
               "2 {process-killer} Hard killing p\n"
               // Then its logger, as a removal does (the same lines, D9).
               "2 {process-killer} Attempting soft kill p before hard killing\n"
               "2 {process-killer} Waiting 2 seconds for p to die\n"
               "2 {- program: p -} ENDED\n"
               "2 {- program: p -} STOPPED by angelctl: not restarted before angelctl start\n"
               "2 {- program: logger for p -} ENDED\n");
    BOOST_TEST(rig.world.files.count("/run/p.pid") == 0u);
    // Not restarted after its delay, nor by the polls.
    const int launches = rig.world.launches;
    rig.world.advance_seconds(60);
    BOOST_TEST(rig.world.launches == launches);
    BOOST_TEST(rig.world.live.count(pid) == 0u);
    BOOST_TEST(rig.world.live.count(logger) == 0u);
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    BOOST_TEST(rig.engine.status({"p"})[0].pid == 0);
    BOOST_TEST(answer_of(rig.engine.stop_program("p")).text == "p is already stopped");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(start_brings_it_back_with_a_start_line) {
    Rig rig(specs({program("p")}));
    rig.engine.start();
    (void)rig.engine.stop_program("p");
    BOOST_TEST(state_of(rig, "p") == RunState::stopping);  // TERM sent, not reaped yet
    rig.world.deliver_exits();
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    const std::size_t mark = rig.world.lines.size();
    auto begun = rig.engine.start_program("p");
    const pid_t pid = rig.world.pid_of("p");
    BOOST_TEST(outcome_of(rig, begun).text == "p started (pid " + std::to_string(pid) + ")");
    BOOST_TEST(rig.world.log_text(mark).find("0 {- program: p -} START asked by angelctl\n"
                                             "0 {- program: p -} START\n") == 0u);
    BOOST_TEST(state_of(rig, "p") == RunState::running);
    // Running: a one-line answer, nothing done.
    const int launches = rig.world.launches;
    const RequestOutcome again = answer_of(rig.engine.start_program("p"));
    BOOST_TEST(again.ok);
    BOOST_TEST(again.text == "p is already running");
    BOOST_TEST(rig.world.launches == launches);
    // Its own exits restart it again, as before the stop.
    rig.world.exit_now(pid);
    rig.world.deliver_exits();
    BOOST_TEST(state_of(rig, "p") == RunState::waiting);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_ids_and_shutdown_are_refused) {
    Rig rig(specs({program("p")}));
    rig.engine.start();
    BOOST_TEST(answer_of(rig.engine.stop_program("nope")).text == "no program nope");
    BOOST_TEST(!answer_of(rig.engine.start_program("nope")).ok);
    rig.engine.on_shutdown_signal();
    BOOST_TEST(answer_of(rig.engine.stop_program("p")).text == "angel is shutting down");
}

BOOST_AUTO_TEST_CASE(a_hup_that_keeps_the_id_keeps_it_stopped_even_with_a_new_spec) {
    ProgramSpec p = program("p");
    Rig rig(specs({p, program("q")}));
    rig.engine.start();
    (void)rig.engine.stop_program("p");
    rig.reload(specs({p, program("q")}));
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    ProgramSpec changed = p;
    changed.exec = "sleep 200";
    const std::size_t mark = rig.reload(specs({changed, program("q")}));
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    BOOST_TEST(rig.world.log_text(mark) == "0 {config-monitor} HUP caught, reloading config\n");
    rig.world.advance_seconds(30);
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    // A start runs the new spec.
    (void)rig.engine.start_program("p");
    BOOST_TEST(rig.engine.instance("p")->spec.exec == "sleep 200");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_hup_that_removes_the_id_forgets_it) {
    Rig rig(specs({program("p"), program("q")}));
    rig.engine.start();
    (void)rig.engine.stop_program("p");
    rig.world.deliver_exits();
    const std::size_t mark = rig.reload(specs({program("q")}));
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {- program: p -} QUIT\n");
    // Back in the config: a new program, started as any.
    rig.reload(specs({program("p"), program("q")}));
    BOOST_TEST(state_of(rig, "p") == RunState::running);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_stop_while_its_delay_runs_cancels_the_restart) {
    ProgramSpec p = program("p");
    p.delay = 5;
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.deliver_exits();
    BOOST_TEST(state_of(rig, "p") == RunState::waiting);
    const int launches = rig.world.launches;
    auto begun = rig.engine.stop_program("p");
    BOOST_TEST(outcome_of(rig, begun).text == "p stopped");
    BOOST_TEST(rig.world.count(kStopped) == 1u);
    rig.world.advance_seconds(30);
    BOOST_TEST(rig.world.launches == launches);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_stop_of_one_whose_start_failed_keeps_the_sync_from_trying_again) {
    ProgramSpec p = program("p", "");  // an empty command: every start fails
    Rig rig(specs({p}));
    rig.engine.start();
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    auto begun = rig.engine.stop_program("p");
    BOOST_TEST(outcome_of(rig, begun).ok);
    const int launches = rig.world.launches;
    const std::size_t errors = rig.world.count("stderr:");
    rig.world.advance_seconds(30);  // three polls
    BOOST_TEST(rig.world.launches == launches);
    BOOST_TEST(rig.world.count("stderr:") == errors);
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(start_runs_a_done_one_shot_again) {
    ProgramSpec p = program("m", "migrate");
    p.restart = RestartPolicy::never;
    Rig rig(specs({p}));
    rig.engine.start();
    const pid_t first = rig.world.pid_of("m");
    rig.world.exit_statuses[first] = 0;
    rig.world.exit_now(first);
    rig.world.deliver_exits();
    BOOST_TEST(state_of(rig, "m") == RunState::done);
    auto begun = rig.engine.start_program("m");
    const pid_t second = rig.world.pid_of("m");
    BOOST_TEST(second != first);
    BOOST_TEST(outcome_of(rig, begun).text == "m started (pid " + std::to_string(second) + ")");
    rig.world.exit_statuses[second] = 0;
    rig.world.exit_now(second);
    rig.world.deliver_exits();
    BOOST_TEST(state_of(rig, "m") == RunState::done);
    BOOST_TEST(rig.world.count("START asked by angelctl") == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_stop_during_a_sync_kill_of_the_same_child_runs_no_second_kill) {
    ProgramSpec p = program("p");
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    const pid_t pid = rig.world.pid_of("p");
    ProgramSpec changed = p;
    changed.exec = "sleep 2";
    rig.reload(specs({changed}));  // the sync TERMs p and waits its grace
    auto begun = rig.engine.stop_program("p");
    rig.world.advance_seconds(3);
    std::size_t kills = 0;
    for (const auto& [to, sig] : rig.world.signals_sent) kills += to == pid && sig == SIGKILL ? 1 : 0;
    BOOST_TEST(kills == 1u);
    // Its end leaves it stopped, with the new spec for its next start.
    BOOST_TEST(outcome_of(rig, begun).text == "p stopped");
    rig.world.advance_seconds(30);
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    (void)rig.engine.start_program("p");
    BOOST_TEST(rig.engine.instance("p")->spec.exec == "sleep 2");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_stop_during_a_restart_wins_and_the_restart_says_so) {
    ProgramSpec p = program("p");
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    const RequestToken restart = std::get<RequestToken>(rig.engine.restart("p"));
    auto stop = rig.engine.stop_program("p");
    BOOST_TEST(std::get<std::string>(rig.engine.restart("p")) == "p is stopping (angelctl stop); try again");
    BOOST_TEST(answer_of(rig.engine.start_program("p")).text == "p is stopping (angelctl stop); try again");
    rig.world.advance_seconds(3);
    BOOST_TEST(outcome_of(rig, stop).text == "p stopped");
    auto restarted = rig.engine.request_outcome(restart);
    BOOST_REQUIRE(restarted.has_value());
    BOOST_TEST(!restarted->ok);
    BOOST_TEST(restarted->text == "p was stopped by angelctl stop");
    BOOST_TEST(std::get<std::string>(rig.engine.restart("p")) == "p is stopped; angelctl start runs it");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_hup_that_removes_it_while_it_stops_quits_it) {
    ProgramSpec p = program("p");
    p.termgrace = 2;
    Rig rig(specs({p, program("q")}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    auto stop = rig.engine.stop_program("p");
    rig.reload(specs({program("q")}));
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    BOOST_TEST(outcome_of(rig, stop).text == "p left the config");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_with_a_stopped_program_finishes) {
    Rig rig(specs({program("p"), program("q")}));
    rig.engine.start();
    (void)rig.engine.stop_program("p");
    rig.world.deliver_exits();
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.count("{- program: p -} QUIT") == 1u);
    BOOST_TEST(rig.engine.instance("p") == nullptr);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_while_a_stop_runs_finishes) {
    ProgramSpec p = program("p");
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    auto stop = rig.engine.stop_program("p");
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(!outcome_of(rig, stop).ok);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_config_without_stop_logs_as_before) {
    // Nothing of this feature is logged unless asked: a whole life without it.
    Rig rig(specs({program("p")}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.deliver_exits();
    rig.world.advance_seconds(30);
    rig.reload(ProgramSpecs{});
    BOOST_TEST(rig.world.count("angelctl") == 0u);
    BOOST_TEST(rig.world.count("STOP") == 0u);
}

BOOST_AUTO_TEST_CASE(a_served_slot_stops_every_generation_and_starts_back) {
    Rig rig(specs({served(1)}));
    rig.engine.start();
    const pid_t old = rig.world.live.begin()->first;
    rig.world.say(old, ReadyMessage::Kind::ready);
    (void)rig.engine.restart("web-1");  // a rollout under way: a new one beside the old
    BOOST_TEST(rig.world.live.size() == 2u);
    auto stop = rig.engine.stop_program("web-1");
    rig.world.deliver_exits();
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(outcome_of(rig, stop).text == "web-1 stopped");
    BOOST_TEST(state_of(rig, "web-1") == RunState::stopped);
    BOOST_TEST(rig.world.count("ENDED (replaced)") == 0u);
    rig.world.advance_seconds(60);
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(std::get<std::string>(rig.engine.restart("web-1")) == "web-1 is stopped; angelctl start runs it");
    // A HUP that keeps it keeps it stopped.
    rig.reload(specs({served(1)}));
    BOOST_TEST(rig.world.live.empty());
    auto start = rig.engine.start_program("web-1");
    BOOST_REQUIRE(rig.world.live.size() == 1u);
    const pid_t fresh = rig.world.live.begin()->first;
    BOOST_TEST(!rig.engine.request_outcome(std::get<RequestToken>(start)).has_value());  // not ready yet
    rig.world.say(fresh, ReadyMessage::Kind::ready);
    BOOST_TEST(outcome_of(rig, start).text == "web-1 started (pid " + std::to_string(fresh) + ")");
    BOOST_TEST(state_of(rig, "web-1") == RunState::running);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_served_slot_stopped_then_removed_leaves) {
    Rig rig(specs({served(1), served(2)}));
    rig.engine.start();
    for (const auto& [pid, p] : std::map(rig.world.live)) rig.world.say(pid, ReadyMessage::Kind::ready);
    (void)rig.engine.stop_program("web-2");
    rig.world.deliver_exits();
    BOOST_TEST(rig.world.live.size() == 1u);
    rig.reload(specs({served(1)}));
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.engine.slot("web-2") == nullptr);
    BOOST_TEST(rig.world.live.size() == 1u);
    // Back again: started as a new slot.
    rig.reload(specs({served(1), served(2)}));
    BOOST_TEST(rig.world.live.size() == 2u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_with_a_stopped_served_slot_finishes) {
    Rig rig(specs({served(1), served(2)}));
    rig.engine.start();
    for (const auto& [pid, p] : std::map(rig.world.live)) rig.world.say(pid, ReadyMessage::Kind::ready);
    (void)rig.engine.stop_program("web-1");
    rig.world.deliver_exits();
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.slot("web-1") == nullptr);  // web-2's is killed at the end (D4: not waited for)
    BOOST_TEST(rig.world.count("{- program: web-2 -} START") == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_stop_while_its_pidfile_failed_reports_the_error_and_stays_stopped) {
    ProgramSpec p = program("p");
    p.pidfile = "/run/p.pid";
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.unwritable.insert("/run/p.pid");
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();  // its child is being killed: no pidfile
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::failing);
    auto stop = rig.engine.stop_program("p");
    rig.world.advance_seconds(3);
    BOOST_TEST(outcome_of(rig, stop).text == "p stopped");
    BOOST_TEST(rig.world.count("stderr: /run/p.pid") == 1u);
    rig.world.advance_seconds(30);  // the polls do not start it again
    BOOST_TEST(rig.world.count("stderr: /run/p.pid") == 1u);
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_stopped_failing_one_reaped_before_its_kill_is_over_stays_stopped) {
    ProgramSpec p = program("p");
    p.pidfile = "/run/p.pid";
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.unwritable.insert("/run/p.pid");
    rig.engine.start();  // TERM: it exits at once, reaped during the grace
    auto stop = rig.engine.stop_program("p");
    rig.world.deliver_exits();
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::failing);
    rig.world.advance_seconds(3);
    BOOST_TEST(outcome_of(rig, stop).text == "p stopped");
    rig.world.advance_seconds(30);
    BOOST_TEST(state_of(rig, "p") == RunState::stopped);
    BOOST_TEST(rig.world.count("stderr: /run/p.pid") == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(start_of_a_waiting_one_answers_and_does_nothing) {
    ProgramSpec p = program("p");
    p.delay = 60;
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.deliver_exits();
    const int launches = rig.world.launches;
    const RequestOutcome a = answer_of(rig.engine.start_program("p"));
    BOOST_TEST(a.ok);
    BOOST_TEST(a.text == "p is waiting to restart (angelctl restart starts it now)");
    BOOST_TEST(rig.world.launches == launches);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
