// What the control socket asks of the engine, on the fake clock: status snapshots,
// restarts (plain: TERM then a start without the delay; served: start-first), their
// outcomes, signals, and reloads with their outcome.
#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel {
inline std::ostream& operator<<(std::ostream& os, RunState s) { return os << name_of(s); }
}  // namespace angel

namespace angel::test {
namespace {

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

std::vector<std::string> ids(Rig& rig, std::vector<std::string> names) {
    auto matched = rig.engine.match_ids(names);
    BOOST_REQUIRE(std::holds_alternative<std::vector<std::string>>(matched));
    return std::get<std::vector<std::string>>(matched);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(control)

BOOST_AUTO_TEST_CASE(ids_are_program_ids_or_count_blocks) {
    ProgramSpec w1 = program("worker-1"), w2 = program("worker-2"), w10 = program("worker-10");
    Rig rig(specs({program("a"), w1, w2, w10, program("workers")}));
    rig.engine.start();
    BOOST_TEST(ids(rig, {}) == (std::vector<std::string>{"a", "worker-1", "worker-10", "worker-2", "workers"}),
               boost::test_tools::per_element());
    BOOST_TEST(ids(rig, {"worker"}) == (std::vector<std::string>{"worker-1", "worker-10", "worker-2"}),
               boost::test_tools::per_element());
    BOOST_TEST(ids(rig, {"a", "a", "worker-2"}) == (std::vector<std::string>{"a", "worker-2"}),
               boost::test_tools::per_element());
    auto unknown = rig.engine.match_ids({"a", "nope"});
    BOOST_TEST(std::get<std::string>(unknown) == "no program nope");
}

BOOST_AUTO_TEST_CASE(status_shows_state_uptime_restarts_exit_and_wait) {
    ProgramSpec p = program("p");
    p.delay = 4;
    Rig rig(specs({p, program("q")}));
    rig.engine.start();
    rig.world.advance_seconds(3);
    auto s = rig.engine.status({"p", "q"});
    BOOST_TEST(s[0].state == RunState::running);
    BOOST_TEST(s[0].uptime_seconds == 3);
    BOOST_TEST(s[0].restarts == 0u);
    BOOST_TEST(s[0].children.size() == 1u);
    rig.world.exit_statuses[rig.world.pid_of("p")] = 3 << 8;
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.deliver_exits();
    s = rig.engine.status({"p"});
    BOOST_TEST(s[0].last_exit == "exit 3");
    BOOST_TEST(s[0].state == RunState::waiting);
    BOOST_TEST(s[0].pid == 0);
    BOOST_TEST(s[0].wait_seconds.value_or(-1) == 4);
    rig.world.advance_seconds(4.5);
    s = rig.engine.status({"p"});
    BOOST_TEST(s[0].state == RunState::running);
    BOOST_TEST(s[0].restarts == 1u);
}

BOOST_AUTO_TEST_CASE(exit_status_is_described) {
    BOOST_TEST(describe_wait_status(0) == "exit 0");
    BOOST_TEST(describe_wait_status(3 << 8) == "exit 3");
    BOOST_TEST(describe_wait_status(SIGKILL) == "signal 9 (KILL)");
    BOOST_TEST(describe_wait_status(-1) == "");
}

BOOST_AUTO_TEST_CASE(restart_terms_and_starts_without_the_delay) {
    ProgramSpec p = program("p");
    p.delay = 30;
    p.maxdelay = 120;
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.advance_seconds(1);
    const pid_t before = rig.world.pid_of("p");
    auto begun = rig.engine.restart("p");
    BOOST_REQUIRE(std::holds_alternative<RequestToken>(begun));
    const RequestToken token = std::get<RequestToken>(begun);
    rig.world.advance_seconds(0.1);
    BOOST_TEST((rig.world.signals_sent.back() == std::pair<pid_t, int>{before, SIGTERM}));
    auto outcome = rig.engine.request_outcome(token);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(outcome->ok);
    const pid_t after = rig.world.pid_of("p");
    BOOST_TEST(after != before);
    BOOST_TEST(outcome->text == "p restarted (pid " + std::to_string(after) + ")");
    // Not a quick failure for maxdelay: its next own exit waits `delay`, not more.
    BOOST_TEST(rig.engine.instance("p")->quick_failures == 0);
    BOOST_TEST(!rig.engine.instance("p")->restart_now);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

// Found by the model fuzzer: a restart asked while a HUP's sync is killing the same
// child ran a second kill sequence beside the sync's (two KILLs, an impossible event).
BOOST_AUTO_TEST_CASE(restart_while_the_sync_kills_it_is_refused) {
    ProgramSpec p = program("p");
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    ProgramSpec changed = p;
    changed.exec = "sleep 2";
    rig.reload(specs({changed}));  // the sync TERMs p and waits its grace
    BOOST_TEST(std::get<std::string>(rig.engine.restart("p")) == "p is starting or stopping; try again");
    rig.world.advance_seconds(3);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(restart_of_one_that_ignores_term_kills_after_termgrace) {
    ProgramSpec p = program("p");
    p.termgrace = 2;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    const pid_t before = rig.world.pid_of("p");
    const RequestToken token = std::get<RequestToken>(rig.engine.restart("p"));
    BOOST_TEST(std::get<std::string>(rig.engine.restart("p")) == "p is already restarting");
    rig.world.advance_seconds(1);
    BOOST_TEST(!rig.engine.request_outcome(token).has_value());
    BOOST_TEST(rig.engine.status({"p"})[0].state == RunState::stopping);
    rig.world.advance_seconds(1.5);
    auto outcome = rig.engine.request_outcome(token);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(outcome->ok);
    BOOST_TEST(rig.world.pid_of("p") != before);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(restart_of_a_waiting_one_starts_it_now) {
    ProgramSpec p = program("p");
    p.delay = 60;
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.deliver_exits();
    const int launches = rig.world.launches;
    const RequestToken token = std::get<RequestToken>(rig.engine.restart("p"));
    BOOST_TEST(rig.world.launches == launches + 1);
    BOOST_TEST(rig.engine.request_outcome(token).value().ok);
}

BOOST_AUTO_TEST_CASE(a_failed_start_is_the_restarts_outcome) {
    ProgramSpec p = program("p");
    p.delay = 0;
    p.pidfile = "/run/p.pid";
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.unwritable.insert("/run/p.pid");
    const RequestToken token = std::get<RequestToken>(rig.engine.restart("p"));
    rig.world.advance_seconds(1);
    auto outcome = rig.engine.request_outcome(token);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(!outcome->ok);
    BOOST_TEST(outcome->text.find("permission denied") != std::string::npos);
    BOOST_TEST(std::get<std::string>(rig.engine.restart("nope")) == "no program nope");
}

BOOST_AUTO_TEST_CASE(restart_of_a_served_one_is_start_first) {
    Rig rig(specs({served(1)}));
    rig.engine.start();
    const pid_t old = rig.world.live.begin()->first;
    rig.world.say(old, ReadyMessage::Kind::ready);
    const RequestToken token = std::get<RequestToken>(rig.engine.restart("web-1"));
    BOOST_TEST(std::get<std::string>(rig.engine.restart("web-1")) == "web-1 is already being replaced");
    BOOST_TEST(rig.world.live.size() == 2u);  // the new one alongside, the old one serving
    BOOST_TEST(!rig.engine.request_outcome(token).has_value());
    auto s = rig.engine.status({"web-1"});
    BOOST_TEST(s[0].state == RunState::running);
    BOOST_TEST(s[0].pid == old);
    BOOST_TEST(s[0].children.size() == 2u);
    const pid_t fresh = rig.world.live.rbegin()->first;
    rig.world.say(fresh, ReadyMessage::Kind::ready);
    auto outcome = rig.engine.request_outcome(token);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(outcome->ok);
    BOOST_TEST(outcome->text == "web-1 replaced (pid " + std::to_string(fresh) + ")");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_served_restart_whose_new_one_dies_keeps_the_old) {
    Rig rig(specs({served(1)}));
    rig.engine.start();
    const pid_t old = rig.world.live.begin()->first;
    rig.world.say(old, ReadyMessage::Kind::ready);
    const RequestToken token = std::get<RequestToken>(rig.engine.restart("web-1"));
    const pid_t fresh = rig.world.live.rbegin()->first;
    rig.world.exit_now(fresh);
    rig.world.deliver_exits();
    auto outcome = rig.engine.request_outcome(token);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(!outcome->ok);
    BOOST_TEST(rig.engine.slot("web-1")->serving()->pid == old);
    // Over: nothing retries it unasked, and a new restart may begin.
    rig.world.advance_seconds(120);
    BOOST_TEST(rig.world.live.size() == 1u);
    BOOST_TEST(std::holds_alternative<RequestToken>(rig.engine.restart("web-1")));
}

BOOST_AUTO_TEST_CASE(signal_goes_to_live_children_and_groups) {
    ProgramSpec g = program("g");
    g.killgroup = true;
    Rig rig(specs({program("p"), g}));
    rig.engine.start();
    const pid_t p = rig.world.pid_of("p"), gp = rig.world.pid_of("g");
    BOOST_TEST(rig.engine.send_signal({"p", "g"}, SIGUSR1) == 2u);
    BOOST_TEST((rig.world.signals_sent[0] == std::pair<pid_t, int>{p, SIGUSR1}));
    BOOST_TEST((rig.world.signals_sent[1] == std::pair<pid_t, int>{-gp, SIGUSR1}));
}

BOOST_AUTO_TEST_CASE(reload_outcome_is_the_sync_or_the_config_error) {
    Rig rig(specs({program("p")}));
    rig.engine.start();
    rig.world.config = specs({program("p"), program("q")});
    const auto wanted = std::get<std::uint64_t>(rig.engine.request_reload());
    auto outcome = rig.engine.reload_outcome(wanted);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(outcome->ok);
    BOOST_TEST(outcome->text == "Must kill=0, must start=1");
    const auto again = std::get<std::uint64_t>(rig.engine.request_reload());
    BOOST_TEST(rig.engine.reload_outcome(again).value().text == "nothing to change");
    rig.world.config = std::string("p.exec: bad");
    const auto broken = std::get<std::uint64_t>(rig.engine.request_reload());
    outcome = rig.engine.reload_outcome(broken);
    BOOST_TEST(!outcome.value().ok);
    BOOST_TEST(outcome->text == "p.exec: bad");
}

BOOST_AUTO_TEST_CASE(a_reload_during_a_reload_waits_for_the_next) {
    ProgramSpec p = program("p");
    p.termgrace = 5;
    Rig rig(specs({p}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.world.config = ProgramSpecs{};
    const auto first = std::get<std::uint64_t>(rig.engine.request_reload());  // waits on p's grace
    BOOST_TEST(!rig.engine.reload_outcome(first).has_value());
    rig.world.config = specs({program("q")});
    const auto second = std::get<std::uint64_t>(rig.engine.request_reload());
    BOOST_TEST(second == first + 1);
    rig.world.advance_seconds(6);
    BOOST_TEST(rig.engine.reload_outcome(first).has_value());
    auto outcome = rig.engine.reload_outcome(second);
    BOOST_REQUIRE(outcome.has_value());
    BOOST_TEST(outcome->text == "Must kill=0, must start=1");
    rig.engine.on_shutdown_signal();
    BOOST_TEST(std::get<std::string>(rig.engine.request_reload()) == "angel is shutting down");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
