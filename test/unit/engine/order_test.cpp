// The opt-in keys `critical` and `after`, on the fake clock: a critical program's end for
// good shuts angel down with its status; `after` holds a new program's first start until
// what it waits for runs (and is ready), and stops it first at shutdown.
#include <signal.h>

#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {
namespace {

ProgramSpec critical(const std::string& id, RestartPolicy policy) {
    ProgramSpec p = program(id);
    p.critical = true;
    p.restart = policy;
    return p;
}

ProgramSpec after(const std::string& id, std::vector<std::string> names) {
    ProgramSpec p = program(id);
    p.after = std::move(names);
    return p;
}

/// A served program `id` (block of the same name) that is ready when it says so.
ProgramSpec served(const std::string& id, const std::string& port) {
    ProgramSpec s = program(id, "srv");
    ServeSpec serve;
    serve.group = id;
    serve.listen = {*parse_listen_address(port)};
    serve.ready = ReadySpec{ReadySpec::Kind::notify, 0};
    s.serve = serve;
    return s;
}

/// The pids signalled, in order, with the signal.
std::vector<std::pair<pid_t, int>> signals(const FakeWorld& world) { return world.signals_sent; }

/// The pid of a served program's new instance (not ready yet).
pid_t new_pid(const Rig& rig, const std::string& id) {
    const Slot* s = rig.engine.slot(id);
    BOOST_REQUIRE(s != nullptr && s->candidate() != nullptr);
    return s->candidate()->pid;
}

std::size_t position(const std::string& log, const std::string& needle) {
    const auto at = log.find(needle);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no \"" + needle + "\" in\n" + log);
    return at;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(policy_critical)

BOOST_AUTO_TEST_CASE(an_exit_for_good_stops_every_program_and_gives_angel_its_status) {
    ProgramSpec other = program("other");
    other.pidfile = "other.pid";
    Rig rig(specs({critical("db", RestartPolicy::never), other}));
    rig.engine.start();
    const pid_t o = rig.world.pid_of("other");
    const std::size_t mark = rig.world.lines.size();
    exits(rig, "db", 3 << 8);
    BOOST_TEST(rig.world.log_text(mark) ==
               "0 {- program: db -} ENDED\n"
               "0 {- program: db -} FAILED, not restarted (restart = \"never\"): exit 3\n"
               "0 {main} Critical program db ended for good; initiating shutdown, exit status 3\n"
               "0 {main}   1. Clearing config\n"
               "0 {main}   2. Forcing sync to kill running processes\n"
               "0 {- program: db -} QUIT\n"
               "0 {process-monitor} Must kill=1, must start=0\n"
               "0 {process-killer} Soft killing other\n"
               "0 {main} That's all folks!\n");
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.exit_status() == 3);
    BOOST_TEST((signals(rig.world) == std::vector<std::pair<pid_t, int>>{{o, SIGTERM}}));
    BOOST_TEST(rig.world.removed_files == std::vector<std::string>{"other.pid"});  // as on TERM
    BOOST_TEST(rig.world.notified.back() == "STOPPING=1");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_signal_gives_128_plus_its_number_and_exit_0_gives_0) {
    Rig rig(specs({critical("k", RestartPolicy::never)}));
    rig.engine.start();
    exits(rig, "k", SIGKILL);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.exit_status() == 128 + SIGKILL);

    Rig done(specs({critical("m", RestartPolicy::on_failure)}));
    done.engine.start();
    exits(done, "m", 0);
    BOOST_TEST(done.world.finished);
    BOOST_TEST(done.engine.exit_status() == 0);
    BOOST_TEST(done.world.count("{main} Critical program m ended for good; initiating shutdown, exit status 0") == 1u);
}

BOOST_AUTO_TEST_CASE(a_failed_start_gives_1) {
    ProgramSpec p = critical("c", RestartPolicy::always);
    p.exec = "missing";
    Rig rig(specs({p, program("other")}));
    rig.world.fail_exec.insert("missing");
    rig.engine.start();
    BOOST_TEST(rig.world.count("stderr: missing: createProcess: posix_spawnp: does not exist") == 1u);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.exit_status() == 1);
    const pid_t other = rig.engine.instance("other")->pid;
    BOOST_TEST((signals(rig.world) == std::vector<std::pair<pid_t, int>>{{other, SIGTERM}}));
}

BOOST_AUTO_TEST_CASE(a_restarted_end_does_not_end_angel) {
    Rig rig(specs({critical("a", RestartPolicy::always), critical("f", RestartPolicy::on_failure)}));
    rig.engine.start();
    exits(rig, "a", 3 << 8);
    exits(rig, "f", 3 << 8);
    rig.world.advance_seconds(6);
    BOOST_TEST(!rig.world.finished);
    BOOST_TEST(rig.world.count("RESTART") == 2u);
    // Removed by a HUP, then ended: not an end for good of a program of the config.
    rig.reload(specs({critical("a", RestartPolicy::always)}));
    BOOST_TEST(!rig.world.finished);
    rig.engine.on_shutdown_signal();  // a TERM: the critical program's QUIT is no failure
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.exit_status() == 0);
    BOOST_TEST(rig.world.count("Critical") == 0u);
}

BOOST_AUTO_TEST_CASE(a_term_after_it_keeps_its_status) {
    ProgramSpec slow = program("slow");
    slow.termgrace = 5;
    Rig rig(specs({critical("db", RestartPolicy::never), slow}));
    rig.engine.start();
    exits(rig, "db", 4 << 8);
    BOOST_TEST(!rig.world.finished);  // slow's grace runs
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.exit_status() == 4);
    BOOST_TEST(rig.world.count("INT | TERM received") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(policy_after)

BOOST_AUTO_TEST_CASE(new_programs_start_after_what_they_wait_for) {
    // Id order would start app first; `after` starts db first: db runs, app starts at once.
    Rig rig(specs({after("app", {"db"}), program("db"), program("x")}));
    rig.engine.start();
    const std::string log = rig.world.log_text();
    BOOST_TEST(position(log, "{- program: db -} RUNNING") < position(log, "{- program: app -} START"));
    BOOST_TEST(position(log, "{- program: app -} START") < position(log, "{- program: x -} START"));
    BOOST_TEST(rig.world.count("WAITING for") == 0u);
    BOOST_TEST(rig.world.count("Must kill=0, must start=3") == 1u);
}

BOOST_AUTO_TEST_CASE(a_program_waits_for_a_served_one_to_be_ready) {
    Rig rig(specs({after("app", {"db"}), served("db", "5432")}));
    rig.engine.start();
    BOOST_TEST(rig.world.count("{- program: app -} WAITING for db") == 1u);
    BOOST_TEST(rig.world.count("{- program: app -} START") == 0u);
    auto status = rig.engine.status({"app"});
    BOOST_TEST(name_of(status[0].state) == "waiting");
    BOOST_TEST(status[0].waiting_for == std::vector<std::string>{"db"});
    BOOST_TEST(std::get<std::string>(rig.engine.restart("app")) == "app has not started: it waits for db");
    rig.world.advance_seconds(30);  // polls change nothing
    BOOST_TEST(rig.world.count("{- program: app -} START") == 0u);
    BOOST_TEST(rig.world.count("Must kill") == 1u);
    const std::size_t mark = rig.world.lines.size();
    rig.world.say(new_pid(rig, "db"), ReadyMessage::Kind::ready);
    const std::string log = rig.world.log_text(mark);
    BOOST_TEST(position(log, "{- program: db -} READY") < position(log, "{- program: app -} START"));
    BOOST_TEST(name_of(rig.engine.status({"app"})[0].state) == "running");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_served_program_waits_too_and_a_chain_goes_in_order) {
    // web (served) after api after db (served): db ready -> api starts -> web starts.
    ProgramSpec web = served("web", "8080");
    web.after = {"api"};
    Rig rig(specs({after("api", {"db"}), served("db", "5432"), web}));
    rig.engine.start();
    BOOST_TEST(rig.world.count("{- program: api -} WAITING for db") == 1u);
    BOOST_TEST(rig.world.count("{- program: web -} WAITING for api") == 1u);
    BOOST_TEST(name_of(rig.engine.status({"web"})[0].state) == "waiting");
    rig.world.advance_seconds(25);
    BOOST_TEST(rig.world.count("{- program: web -} WAITING for api") == 1u);  // said once
    rig.world.say(new_pid(rig, "db"), ReadyMessage::Kind::ready);
    BOOST_TEST(rig.world.count("{- program: api -} RUNNING") == 1u);
    BOOST_TEST(rig.world.count("{- program: web -} START") == 1u);
    BOOST_TEST(rig.engine.slot("web") != nullptr);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_hup_that_adds_it_holds_it_the_same_way) {
    Rig rig(specs({program("db")}));
    rig.engine.start();
    rig.reload(specs({program("db"), after("app", {"db"})}));  // db runs: at once
    BOOST_TEST(rig.world.count("{- program: app -} START") == 1u);
    rig.reload(specs({program("db"), after("app", {"db"}), after("late", {"q"}), served("q", "9000")}));
    BOOST_TEST(rig.world.count("{- program: late -} WAITING for q") == 1u);
    // Removed while it waits: it leaves, never started.
    const std::size_t mark = rig.reload(specs({program("db"), after("app", {"db"}), served("q", "9000")}));
    BOOST_TEST(rig.world.log_text(mark).find("{- program: late -} QUIT") != std::string::npos);
    rig.world.say(new_pid(rig, "q"), ReadyMessage::Kind::ready);
    BOOST_TEST(rig.world.count("{- program: late -} START") == 0u);
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(a_dependency_that_dies_later_leaves_it_running) {
    Rig rig(specs({after("app", {"db"}), program("db")}));
    rig.engine.start();
    const pid_t app = rig.world.pid_of("app");
    exits(rig, "db", 1 << 8);
    rig.world.advance_seconds(6);
    BOOST_TEST(rig.world.pid_of("app") == app);
    BOOST_TEST(name_of(rig.engine.status({"app"})[0].state) == "running");
}

BOOST_AUTO_TEST_CASE(a_dependency_waiting_to_restart_holds_it_through_other_events) {
    // db ended and waits its 5 s; app, added then, waits for it. x ends and restarts
    // meanwhile (events that are no business of app's): app waits through all of them and
    // starts in the very event in which db runs again, not at the next poll.
    ProgramSpec db = program("db");
    db.delay = 5;
    ProgramSpec x = program("x");
    x.delay = 1;
    Rig rig(specs({db, x}));
    rig.engine.start();
    exits(rig, "db", 1 << 8);
    rig.reload(specs({after("app", {"db"}), db, x}));
    BOOST_TEST(rig.world.count("{- program: app -} WAITING for db") == 1u);
    for (int i = 0; i < 3; ++i) {
        exits(rig, "x", 0);
        rig.world.advance_seconds(1);
    }
    BOOST_TEST(rig.world.count("{- program: x -} RUNNING") == 4u);
    BOOST_TEST(rig.world.count("{- program: app -} START") == 0u);
    const std::size_t mark = rig.world.lines.size();
    rig.world.advance_seconds(2);  // db's delay is over
    const std::string log = rig.world.log_text(mark);
    BOOST_TEST(position(log, "{- program: db -} RUNNING") < position(log, "{- program: app -} START"));
    BOOST_TEST(name_of(rig.engine.status({"app"})[0].state) == "running");
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(angelctl_start_of_what_it_waits_for_releases_it) {
    Rig rig(specs({program("db")}));
    rig.engine.start();
    (void)rig.engine.stop_program("db");
    rig.world.advance_seconds(1);
    rig.reload(specs({program("db"), after("app", {"db"})}));
    BOOST_TEST(rig.world.count("{- program: app -} WAITING for db") == 1u);
    const std::size_t mark = rig.world.lines.size();
    (void)rig.engine.start_program("db");
    const std::string log = rig.world.log_text(mark);
    BOOST_TEST(position(log, "{- program: db -} RUNNING") < position(log, "{- program: app -} START"));
    BOOST_TEST(rig.engine.impossible_events() == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_stops_what_waits_before_what_it_waits_for) {
    // Id order would stop a first; z waits for a, so z and its grace go before a (m, free
    // of both, keeps its place in id order: first).
    ProgramSpec z = after("z", {"a"});
    z.termgrace = 2;
    Rig rig(specs({program("a"), z, program("m")}));
    rig.engine.start();
    const pid_t a = rig.world.pid_of("a"), zz = rig.world.pid_of("z"), m = rig.world.pid_of("m");
    rig.engine.on_shutdown_signal();
    BOOST_TEST((signals(rig.world) == std::vector<std::pair<pid_t, int>>{{m, SIGTERM}, {zz, SIGTERM}}));
    rig.world.advance_seconds(2);
    BOOST_TEST((signals(rig.world) ==
                std::vector<std::pair<pid_t, int>>{{m, SIGTERM}, {zz, SIGTERM}, {a, SIGTERM}}));
    BOOST_TEST(position(rig.world.log_text(), "2 {process-killer} Hard killing z") <
               position(rig.world.log_text(), "2 {process-killer} Soft killing a"));
    BOOST_TEST(rig.world.finished);
}

BOOST_AUTO_TEST_CASE(shutdown_while_it_waits_finishes_without_starting_it) {
    Rig rig(specs({after("app", {"db"}), served("db", "5432")}));
    rig.engine.start();
    rig.engine.on_shutdown_signal();
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.world.count("{- program: app -} START") == 0u);
    BOOST_TEST(rig.world.count("{- program: app -} QUIT") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
