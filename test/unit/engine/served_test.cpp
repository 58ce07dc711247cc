// Served programs through the engine on the fake clock: readiness, start-first
// rollouts within count + surge, a broken version never replacing a working one,
// the back-off, recycling, held sockets, removal and shutdown.
#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {
namespace {

/// Instance k of a served block `web` (count n), with notify readiness.
ProgramSpec web(int k, const std::string& exec = "srv 1", ReadySpec ready = {ReadySpec::Kind::notify, 0}) {
    ProgramSpec s = program("web-" + std::to_string(k), exec);
    s.env = {{"ANGEL_PROCESS_NUMBER", std::to_string(k)}};
    ServeSpec serve;
    serve.group = "web";
    serve.listen = {*parse_listen_address("8080")};
    serve.ready = ready;
    s.serve = serve;
    return s;
}

ProgramSpecs webs(int count, const std::string& exec = "srv 1", ReadySpec ready = {ReadySpec::Kind::notify, 0}) {
    ProgramSpecs out;
    for (int k = 1; k <= count; ++k) out["web-" + std::to_string(k)] = web(k, exec, ready);
    return out;
}

/// The live program pids (not loggers) whose argv is `exec`.
std::vector<pid_t> pids_running(const FakeWorld& w, const std::string& exec) {
    std::vector<pid_t> out;
    for (const auto& [pid, p] : w.live) {
        std::string joined;
        for (const auto& a : p.argv) joined += (joined.empty() ? "" : " ") + a;
        if (!p.logger && joined == exec) out.push_back(pid);
    }
    return out;
}

/// Every live `srv` program says READY=1.
void all_ready(FakeWorld& w) {
    std::vector<pid_t> pids;
    for (const auto& [pid, p] : w.live) pids.push_back(pid);
    for (pid_t pid : pids) w.say(pid, ReadyMessage::Kind::ready);
}

pid_t serving_pid(const Rig& rig, const std::string& id) {
    const Slot* s = rig.engine.slot(id);
    return s != nullptr && s->serving() ? s->serving()->pid : 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(served)

BOOST_AUTO_TEST_CASE(first_start_binds_once_and_is_ready_on_ready) {
    ProgramSpecs config = webs(2);
    config["web-1"].pidfile = "/run/web-1.pid";
    Rig rig(config);
    rig.engine.start();
    BOOST_TEST(rig.world.listeners.size() == 1u);  // one socket for both instances
    BOOST_TEST(rig.world.live.size() == 2u);
    for (const auto& [pid, l] : rig.world.served_launches) {
        BOOST_TEST(l.listen_fds == (std::vector<int>{50}), boost::test_tools::per_element());
        BOOST_TEST(l.fd_names == "web");
    }
    BOOST_TEST(serving_pid(rig, "web-1") == 0);  // not ready yet
    BOOST_TEST(!rig.world.files.contains("/run/web-1.pid"));  // written when ready
    all_ready(rig.world);
    BOOST_TEST(serving_pid(rig, "web-1") > 0);
    BOOST_TEST(rig.world.files.contains("/run/web-1.pid"));
    BOOST_TEST(rig.world.log_text() ==
               "0 {process-monitor} Must kill=0, must start=2\n"
               "0 {- program: web-1 -} START\n"
               "0 {- program: web-1 -} Spawning process: srv with env [(\"ANGEL_PROCESS_NUMBER\",\"1\")]\n"
               "0 {- program: web-1 -} RUNNING\n"
               "0 {- program: web-2 -} START\n"
               "0 {- program: web-2 -} Spawning process: srv with env [(\"ANGEL_PROCESS_NUMBER\",\"2\")]\n"
               "0 {- program: web-2 -} RUNNING\n"
               "0 {- program: web-1 -} READY\n"
               "0 {- program: web-2 -} READY\n");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(rollout_starts_first_and_keeps_within_count_plus_surge) {
    Rig rig(webs(2));
    rig.engine.start();
    all_ready(rig.world);
    const pid_t old1 = serving_pid(rig, "web-1"), old2 = serving_pid(rig, "web-2");
    rig.world.advance_seconds(1);
    const std::size_t mark = rig.reload(webs(2, "srv 2"));
    // Surge 1: one new instance; nobody is signalled before it is ready.
    BOOST_TEST(rig.world.live.size() == 3u);
    BOOST_TEST(rig.world.signals_sent.empty());
    rig.world.advance_seconds(1);
    const std::vector<pid_t> fresh = pids_running(rig.world, "srv 2");
    BOOST_REQUIRE(fresh.size() == 1u);
    rig.world.say(fresh[0], ReadyMessage::Kind::ready);  // web-1's new one is ready: its old one goes
    BOOST_TEST((rig.world.signals_sent == std::vector<std::pair<pid_t, int>>{{old1, SIGTERM}}));
    rig.world.advance_seconds(1);  // the old one is reaped: room for web-2's new one
    BOOST_TEST(pids_running(rig.world, "srv 2").size() == 2u);
    BOOST_TEST(rig.world.live.size() == 3u);
    all_ready(rig.world);
    rig.world.advance_seconds(1);
    BOOST_TEST(pids_running(rig.world, "srv 1").empty());
    BOOST_TEST(rig.world.live.size() == 2u);
    BOOST_TEST(serving_pid(rig, "web-2") != old2);
    BOOST_TEST(rig.world.log_text(mark) ==
               "1 {config-monitor} HUP caught, reloading config\n"
               "1 {process-monitor} Rollout started: web\n"
               "1 {- program: web-1 -} START (new instance, replacing pid 100)\n"
               "1 {- program: web-1 -} Spawning process: srv with env [(\"ANGEL_PROCESS_NUMBER\",\"1\")]\n"
               "1 {- program: web-1 -} RUNNING\n"
               "2 {- program: web-1 -} READY\n"
               "2 {- program: web-1 -} RETIRING pid 100\n"
               "2 {process-killer} Soft killing web-1\n"
               "2 {- program: web-1 -} ENDED (replaced)\n"
               "2 {- program: web-2 -} START (new instance, replacing pid 101)\n"
               "2 {- program: web-2 -} Spawning process: srv with env [(\"ANGEL_PROCESS_NUMBER\",\"2\")]\n"
               "2 {- program: web-2 -} RUNNING\n"
               "3 {- program: web-2 -} READY\n"
               "3 {- program: web-2 -} RETIRING pid 101\n"
               "3 {process-killer} Soft killing web-2\n"
               "3 {- program: web-2 -} ENDED (replaced)\n"
               "3 {process-monitor} Rollout done: web\n");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_broken_version_never_replaces_a_working_one) {
    Rig rig(webs(1));
    rig.engine.start();
    all_ready(rig.world);
    const pid_t old = serving_pid(rig, "web-1");
    const std::size_t mark = rig.reload(webs(1, "broken"));
    // It dies before it is ready, five times: 5, 10, 20, 40, 60, 60 seconds apart.
    std::vector<double> tries;
    for (int i = 0; i < 6; ++i) {
        const std::vector<pid_t> fresh = pids_running(rig.world, "broken");
        BOOST_REQUIRE(fresh.size() == 1u);
        tries.push_back(rig.world.seconds());
        rig.world.exit_now(fresh[0]);
        for (int s = 0; s < 61 && pids_running(rig.world, "broken").empty(); ++s) rig.world.advance_seconds(1);
    }
    BOOST_TEST(tries == (std::vector<double>{0, 5, 15, 35, 75, 135}), boost::test_tools::per_element());
    BOOST_TEST(serving_pid(rig, "web-1") == old);
    BOOST_TEST(rig.world.signals_sent.empty());  // the old one was never touched
    BOOST_TEST(rig.world.count("NOT READY: exited before it was ready; the old instance keeps running; next try in 60 seconds") == 2u);
    BOOST_TEST(rig.world.log_text(mark).find("NOT READY: exited before it was ready; the old instance keeps running; "
                                             "next try in 5 seconds") != std::string::npos);
    // A HUP with a fixed version ends the back-off: it starts at once.
    rig.world.exit_now(pids_running(rig.world, "broken")[0]);
    rig.world.advance_seconds(0);
    rig.reload(webs(1, "srv 3"));
    BOOST_TEST(pids_running(rig.world, "srv 3").size() == 1u);
    all_ready(rig.world);
    rig.world.advance_seconds(1);
    BOOST_TEST(pids_running(rig.world, "srv 1").empty());
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(back_to_the_old_spec_kills_the_new_ones_not_ready) {
    Rig rig(webs(1));
    rig.engine.start();
    all_ready(rig.world);
    const pid_t old = serving_pid(rig, "web-1");
    rig.reload(webs(1, "srv 2"));
    const pid_t fresh = pids_running(rig.world, "srv 2").at(0);
    rig.world.advance_seconds(1);
    rig.reload(webs(1));
    rig.world.advance_seconds(1);
    BOOST_TEST((rig.world.signals_sent == std::vector<std::pair<pid_t, int>>{{fresh, SIGTERM}}));
    BOOST_TEST(serving_pid(rig, "web-1") == old);
    BOOST_TEST(rig.world.live.size() == 1u);
    BOOST_TEST(rig.world.count("Rollout done: web") == 1u);
}

BOOST_AUTO_TEST_CASE(a_newer_spec_during_a_rollout_starts_it_over) {
    Rig rig(webs(1));
    rig.engine.start();
    all_ready(rig.world);
    rig.reload(webs(1, "srv 2"));
    rig.world.advance_seconds(1);
    rig.reload(webs(1, "srv 3"));  // srv 2 is killed; srv 3 starts once it is reaped
    rig.world.advance_seconds(1);
    BOOST_TEST(pids_running(rig.world, "srv 2").empty());
    BOOST_REQUIRE(pids_running(rig.world, "srv 3").size() == 1u);
    all_ready(rig.world);
    rig.world.advance_seconds(1);
    BOOST_TEST(pids_running(rig.world, "srv 1").empty());
    BOOST_TEST(rig.world.live.size() == 1u);
}

BOOST_AUTO_TEST_CASE(not_ready_in_time_is_killed) {
    ProgramSpecs config = webs(1);
    config["web-1"].serve->readytimeout = 30;
    config["web-1"].termgrace = 2;
    Rig rig(config);
    rig.world.ignore_term_for.insert("srv");
    rig.engine.start();
    rig.world.advance_seconds(29.5);
    BOOST_TEST(rig.world.signals_sent.empty());
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.count("NOT READY: not ready 30 seconds after it started; next try in 5 seconds") == 1u);
    rig.world.advance_seconds(2);  // termgrace: KILL
    BOOST_TEST(rig.world.signals_sent.size() == 2u);
    BOOST_TEST(rig.world.signals_sent.back().second == SIGKILL);
    BOOST_TEST(rig.world.live.empty());
    rig.world.advance_seconds(3);  // the retry, 5 s after the failure
    BOOST_TEST(rig.world.live.size() == 1u);
}

BOOST_AUTO_TEST_CASE(ready_after_seconds_and_at_once) {
    Rig rig(webs(1, "srv 1", ReadySpec{ReadySpec::Kind::seconds, 2}));
    rig.engine.start();
    rig.world.advance_seconds(1.9);
    BOOST_TEST(serving_pid(rig, "web-1") == 0);
    rig.world.advance_seconds(0.2);
    BOOST_TEST(serving_pid(rig, "web-1") > 0);
    Rig now(webs(1, "srv 1", ReadySpec{ReadySpec::Kind::seconds, 0}));
    now.engine.start();
    BOOST_TEST(serving_pid(now, "web-1") > 0);
}

BOOST_AUTO_TEST_CASE(stopping_recycles_start_first) {
    Rig rig(webs(1));
    rig.engine.start();
    all_ready(rig.world);
    const pid_t old = serving_pid(rig, "web-1");
    rig.world.say(old, ReadyMessage::Kind::status, "warm");
    rig.world.say(old, ReadyMessage::Kind::stopping);
    BOOST_TEST(rig.world.count("{- program: web-1 -} STATUS: warm") == 1u);
    BOOST_TEST(rig.world.count("{- program: web-1 -} RECYCLE: asked with STOPPING=1") == 1u);
    BOOST_TEST(rig.world.count("START (recycling pid 100)") == 1u);
    BOOST_TEST(rig.world.signals_sent.empty());
    all_ready(rig.world);
    BOOST_TEST((rig.world.signals_sent == std::vector<std::pair<pid_t, int>>{{old, SIGTERM}}));
}

BOOST_AUTO_TEST_CASE(maxage_recycles_staggered_by_slot) {
    ProgramSpecs config = webs(2);
    for (auto& [id, s] : config) s.serve->maxage = 100;
    Rig rig(config);
    rig.engine.start();
    all_ready(rig.world);
    rig.world.advance_seconds(74);
    BOOST_TEST(rig.world.count("RECYCLE") == 0u);
    rig.world.advance_seconds(2);  // slot 2 of 2: 100 * (1 - 1/4) = 75 s
    BOOST_TEST(rig.world.count("{- program: web-2 -} RECYCLE: older than 100 seconds") == 1u);
    BOOST_TEST(rig.world.count("{- program: web-1 -} RECYCLE") == 0u);
    all_ready(rig.world);
    rig.world.advance_seconds(25);
    BOOST_TEST(rig.world.count("{- program: web-1 -} RECYCLE: older than 100 seconds") == 1u);
}

BOOST_AUTO_TEST_CASE(maxrss_is_checked_at_the_poll) {
    ProgramSpecs config = webs(1);
    config["web-1"].serve->maxrss = 64;
    Rig rig(config);
    rig.engine.start();
    all_ready(rig.world);
    rig.world.rss[serving_pid(rig, "web-1")] = 65ull << 20;
    rig.world.advance_seconds(10.5);
    BOOST_TEST(rig.world.count("{- program: web-1 -} RECYCLE: resident memory 65 MiB is over 64 MiB") == 1u);
    BOOST_TEST(rig.world.live.size() == 2u);
}

BOOST_AUTO_TEST_CASE(dying_on_its_own_restarts_after_delay_holding_the_socket) {
    Rig rig(webs(1));
    rig.engine.start();
    all_ready(rig.world);
    const std::size_t mark = rig.world.lines.size();
    rig.world.exit_now(serving_pid(rig, "web-1"));
    rig.world.advance_seconds(4.9);
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(rig.world.listeners.size() == 1u);  // connections queue meanwhile
    rig.world.advance_seconds(0.2);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {- program: web-1 -} ENDED\n"
               "0 {- program: web-1 -} WAITING\n"
               "5 {- program: web-1 -} RESTART\n"
               "5 {- program: web-1 -} START\n"
               "5 {- program: web-1 -} Spawning process: srv with env [(\"ANGEL_PROCESS_NUMBER\",\"1\")]\n"
               "5 {- program: web-1 -} RUNNING\n");
}

BOOST_AUTO_TEST_CASE(a_bind_failure_is_one_line_and_the_next_sync_tries_again) {
    Rig rig(webs(2));
    rig.world.unbindable.insert("8080");
    rig.engine.start();
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(rig.world.count("Cannot listen: \"8080\": bind: Permission denied") == 1u);
    rig.world.unbindable.clear();
    rig.world.advance_seconds(10.5);  // the poll's sync
    BOOST_TEST(rig.world.live.size() == 2u);
}

BOOST_AUTO_TEST_CASE(removal_kills_through_the_sync_and_closes_the_socket) {
    Rig rig(webs(2));
    rig.engine.start();
    all_ready(rig.world);
    const std::size_t mark = rig.reload(ProgramSpecs{});
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {config-monitor} HUP caught, reloading config\n"
               "0 {process-monitor} Must kill=2, must start=0\n"
               "0 {process-killer} Soft killing web-1\n"
               "0 {process-killer} Soft killing web-2\n"
               "0 {- program: web-1 -} ENDED\n"
               "0 {- program: web-1 -} QUIT\n"
               "0 {- program: web-2 -} ENDED\n"
               "0 {- program: web-2 -} QUIT\n");
    BOOST_TEST(rig.engine.slot_count() == 0u);
    BOOST_TEST(rig.world.listeners.size() == 1u);  // closed by the next sync, once nobody uses it
    rig.world.advance_seconds(10);
    BOOST_TEST(rig.world.listeners.empty());
    BOOST_TEST(rig.world.closed_listeners == (std::vector<std::string>{"8080"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shutdown_kills_every_generation) {
    Rig rig(webs(2));
    rig.engine.start();
    all_ready(rig.world);
    rig.reload(webs(2, "srv 2"));  // one new instance in flight
    BOOST_TEST(rig.world.live.size() == 3u);
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.count("Rollout done") == 0u);  // it did not finish
}

BOOST_AUTO_TEST_CASE(surge_zero_is_term_first) {
    ProgramSpecs config = webs(2);
    for (auto& [id, s] : config) s.serve->surge = 0;
    Rig rig(config);
    rig.engine.start();
    all_ready(rig.world);
    ProgramSpecs next = webs(2, "srv 2");
    for (auto& [id, s] : next) s.serve->surge = 0;
    rig.reload(next);
    BOOST_TEST(rig.world.signals_sent.size() == 1u);  // the oldest goes first
    BOOST_TEST(rig.world.live.size() == 1u);
    rig.world.advance_seconds(0.1);
    BOOST_TEST(pids_running(rig.world, "srv 2").size() == 1u);
    BOOST_TEST(rig.world.live.size() == 2u);
    all_ready(rig.world);
    rig.world.advance_seconds(0.1);
    all_ready(rig.world);
    rig.world.advance_seconds(0.1);
    BOOST_TEST(pids_running(rig.world, "srv 2").size() == 2u);
    BOOST_TEST(pids_running(rig.world, "srv 1").empty());
}

BOOST_AUTO_TEST_CASE(an_original_program_becomes_served_after_it_stops) {
    Rig rig(specs({program("web-1", "srv 1")}));
    rig.engine.start();
    rig.reload(webs(1));
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.instance("web-1") == nullptr);  // killed, QUIT: a served spec is not its
    BOOST_TEST(rig.world.count("QUIT") == 1u);
    rig.world.advance_seconds(10);  // the next sync starts it served
    BOOST_TEST(rig.engine.slot("web-1") != nullptr);
    BOOST_TEST(rig.world.live.size() == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test

namespace angel::test {

BOOST_AUTO_TEST_SUITE(served_regressions)

// An original program changed to served, then a reload that fails: the last good
// config stays, and the poll's sync starts the served program once the old one is gone.
BOOST_AUTO_TEST_CASE(kind_change_then_a_failed_reload) {
    ProgramSpec p0 = program("p0");
    p0.termgrace = 0;
    Rig rig(specs({program("k", "run"), p0}));
    rig.engine.start();
    ProgramSpec k = program("k", "run");
    k.serve = ServeSpec{};
    k.serve->group = "k";
    rig.reload(specs({k}));
    rig.reload(std::string("a config error"));
    rig.world.advance_seconds(30);
    BOOST_TEST(rig.engine.slot("k") != nullptr);
    BOOST_TEST(rig.world.live.size() == 1u);
    BOOST_TEST(rig.world.count("10 {- program: k -} READY") == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

// Review findings, each shown on the fake world before its fix.

BOOST_AUTO_TEST_CASE(ready_during_the_shutdown_kill_queue_is_not_promoted) {
    ProgramSpecs config = webs(1);
    config["web-1"].termgrace = 3;
    Rig rig(config);
    rig.world.ignore_term_for.insert("srv");
    rig.engine.start();
    all_ready(rig.world);
    ProgramSpecs next = webs(1, "srv 2");
    next["web-1"].termgrace = 3;
    rig.reload(next);  // a new instance, not ready yet
    const pid_t fresh = pids_running(rig.world, "srv 2").at(0);
    rig.engine.on_shutdown_signal();  // the kill queue waits 3 s for the old one
    rig.world.advance_seconds(1);
    rig.world.say(fresh, ReadyMessage::Kind::ready);  // ready while the queue waits
    rig.world.advance_seconds(10);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.live.empty());  // the new one too got TERM, then KILL
    BOOST_TEST(rig.world.count("That's all folks!") == 1u);
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_the_grace_of_new_instances) {
    ProgramSpecs config = webs(1);
    config["web-1"].termgrace = 4;
    Rig rig(config);
    rig.world.ignore_term_for.insert("srv");
    rig.engine.start();  // a first instance, never ready
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(3.9);
    BOOST_TEST(!rig.world.finished);
    BOOST_TEST(rig.world.live.size() == 1u);
    rig.world.advance_seconds(0.2);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.live.empty());
    BOOST_TEST(rig.world.signals_sent.back().second == SIGKILL);
    BOOST_TEST(rig.world.lines.back().find("That's all folks!") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_lower_count_and_a_broken_version_stop_nothing_working) {
    Rig rig(webs(3));
    rig.engine.start();
    all_ready(rig.world);
    rig.world.ignore_term_for.insert("srv");  // web-3's old instance takes its time
    const pid_t web1 = serving_pid(rig, "web-1");
    rig.reload(webs(2, "broken"));
    rig.world.advance_seconds(1);
    for (const auto& [pid, sig] : rig.world.signals_sent) BOOST_TEST(pid != web1);
    BOOST_TEST(serving_pid(rig, "web-1") == web1);
}

BOOST_AUTO_TEST_CASE(an_id_that_moves_to_another_block_is_restarted_in_it) {
    ProgramSpec x1 = web(1);
    x1.id = "x-1";
    x1.serve->group = "x-1";
    x1.serve->listen = {*parse_listen_address("9000")};
    Rig rig(specs({x1}));
    rig.engine.start();
    all_ready(rig.world);
    ProgramSpec moved = x1;
    moved.serve->group = "x";
    rig.reload(specs({moved}));
    rig.world.advance_seconds(11);  // killed now; started in block x by the next sync
    all_ready(rig.world);
    const Slot* slot = rig.engine.slot("x-1");
    BOOST_REQUIRE(slot != nullptr);
    BOOST_TEST(slot->block->name() == "x");
    BOOST_TEST(rig.world.live.size() == 1u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

// Issue 16: a HUP while web-2's new instance is not ready yet must not stop web-2's
// serving instance, which nothing ready replaces; a version that dies before it is
// ready then leaves web-2 serving its old one. Judged from the world alone.
BOOST_AUTO_TEST_CASE(a_hup_during_a_rollout_keeps_every_serving_instance) {
    auto config = [](const std::string& exec) {
        ProgramSpecs out = webs(2, exec, ReadySpec{ReadySpec::Kind::seconds, 4});
        for (auto& [id, s] : out) {
            s.serve->readytimeout = 10;
            s.serve->surge = 1;
            s.termgrace = 5;
            s.delay = 1;
        }
        return out;
    };
    Rig rig(config("srv 1"));
    rig.engine.start();
    rig.world.advance_seconds(10);  // both v1 instances ready at 4 s
    pid_t old2 = 0;
    for (const auto& [pid, spec] : rig.world.launched_specs) {
        if (spec.id == "web-2") old2 = pid;
    }
    BOOST_REQUIRE(old2 != 0);
    rig.reload(config("srv 2"));    // web-1's v2 is ready at 14 s, web-2's at 18 s
    rig.world.advance_seconds(7.5);
    BOOST_REQUIRE(pids_running(rig.world, "srv 2").size() == 2u);
    const std::size_t mark = rig.reload(config("srv 3"));  // v3 dies 1 s after it starts
    std::set<pid_t> seen;
    for (int i = 0; i < 30; ++i) {
        for (pid_t pid : pids_running(rig.world, "srv 3")) {
            if (!seen.insert(pid).second) rig.world.exit_now(pid);
        }
        rig.world.advance_seconds(1);
    }
    BOOST_TEST(rig.world.live.contains(old2));
    for (const auto& [pid, sig] : rig.world.signals_sent) {
        BOOST_TEST(pid != old2, "web-2's serving pid " << old2 << " got signal " << sig << "\n"
                                                      << rig.world.log_text(mark));
    }
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
