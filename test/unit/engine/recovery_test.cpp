// A handler that throws must leave the engine in a consistent phase: before the
// fix, a throw between the start of a load or sync and its end left the daemon
// busy for ever, and HUP, the poll and TERM were ignored.
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {

BOOST_AUTO_TEST_SUITE(recovery)

BOOST_AUTO_TEST_CASE(a_throw_inside_a_reload_does_not_stall_the_scheduler) {
    Rig rig(specs({program("a")}));
    rig.engine.start();
    rig.world.config = specs({program("a"), program("b")});
    rig.world.throw_on_log = "Must kill=";
    BOOST_CHECK_THROW(rig.engine.on_hup(), std::runtime_error);  // the loop reports it
    BOOST_TEST(rig.engine.phase() == Phase::idle);
    rig.engine.on_hup();  // a later HUP is still served
    BOOST_TEST(rig.world.count("HUP caught, reloading config") == 2u);
    BOOST_TEST_REQUIRE(rig.engine.instance("b") != nullptr);
    BOOST_TEST(rig.engine.instance("b")->state == InstanceState::running);
}

BOOST_AUTO_TEST_CASE(a_throw_inside_a_tick_keeps_the_poll_going) {
    Rig rig(specs({program("p", "./missing")}));
    rig.world.fail_exec.insert("./missing");
    rig.engine.start();
    rig.world.throw_on_log = "Must kill=";
    BOOST_CHECK_THROW(rig.world.advance_seconds(10), std::runtime_error);
    BOOST_TEST(rig.engine.phase() == Phase::idle);
    rig.world.advance_seconds(10);  // the next tick still comes
    BOOST_TEST(rig.world.count("Must kill=0, must start=1") == 2u);
}

BOOST_AUTO_TEST_CASE(a_throw_inside_a_grace_wait_still_lets_term_end_angel) {
    Rig rig(specs({ProgramSpec{[] {
        ProgramSpec p = program("g");
        p.termgrace = 2;
        return p;
    }()}}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(ProgramSpecs{});
    rig.world.throw_on_log = "Hard killing";
    BOOST_CHECK_THROW(rig.world.advance_seconds(2), std::runtime_error);
    BOOST_TEST(rig.engine.phase() == Phase::idle);  // the sync was abandoned, not left hanging
    rig.engine.on_shutdown_signal();  // the child got no KILL: the final sync kills it again
    BOOST_TEST(rig.engine.phase() == Phase::shutting_down);
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.finished);
}

BOOST_AUTO_TEST_CASE(a_throw_while_shutdown_waits_still_ends_angel) {
    ProgramSpec g = program("g");
    g.termgrace = 2;
    Rig rig(specs({g}));
    rig.world.ignore_term_for.insert("sleep");
    rig.engine.start();
    rig.reload(ProgramSpecs{});
    rig.engine.on_shutdown_signal();  // waits for the reload's kill
    rig.world.throw_on_log = "Hard killing";
    BOOST_CHECK_THROW(rig.world.advance_seconds(2), std::runtime_error);
    // The reload was abandoned; the final sync started at once, and kills again.
    BOOST_TEST(rig.engine.phase() == Phase::shutting_down);
    rig.world.advance_seconds(2);
    BOOST_TEST(rig.world.finished);
    BOOST_TEST(rig.engine.phase() == Phase::finished);
}

BOOST_AUTO_TEST_CASE(a_throw_while_an_instance_starts_leaves_it_supervised_or_absent) {
    Rig rig(specs({program("a"), program("b")}));
    rig.world.throw_on_log = "{- program: a -} RUNNING";
    BOOST_CHECK_THROW(rig.engine.start(), std::runtime_error);
    // `a`'s child was started: it is supervised; `b` is started by the next sync.
    BOOST_TEST_REQUIRE(rig.engine.instance("a") != nullptr);
    BOOST_TEST(rig.engine.instance("a")->state == InstanceState::running);
    BOOST_TEST(rig.engine.instance("b") == nullptr);
    BOOST_TEST(rig.engine.phase() == Phase::idle);
    rig.world.advance_seconds(10);
    BOOST_TEST_REQUIRE(rig.engine.instance("b") != nullptr);
    BOOST_TEST(rig.engine.instance("b")->state == InstanceState::running);
    rig.world.exit_now(rig.world.pid_of("a"));
    rig.world.advance_seconds(5);
    BOOST_TEST(rig.world.count("{- program: a -} RESTART") == 1u);
}

BOOST_AUTO_TEST_CASE(a_throw_while_held_programs_are_released_leaves_the_others_to_the_next_event) {
    // a1 and a2 wait (`after`) for db, which waits out its delay. When db runs again, a1's
    // release throws: the look at the held ones is cut short. The next event of any program
    // (x's exit here, before the next poll) must look again and release a2.
    ProgramSpec db = program("db");
    db.delay = 5;
    ProgramSpec x = program("x");
    x.delay = 1;
    ProgramSpec a1 = program("a1");
    a1.after = {"db"};
    ProgramSpec a2 = program("a2");
    a2.after = {"db"};
    Rig rig(specs({db, x}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("db"));
    rig.world.advance_seconds(0);
    rig.reload(specs({a1, a2, db, x}));
    BOOST_TEST(rig.world.count("WAITING for db") == 2u);
    rig.world.throw_on_log = "{- program: a1 -} START";
    BOOST_CHECK_THROW(rig.world.advance_seconds(5), std::runtime_error);
    BOOST_TEST(rig.engine.instance("db")->state == InstanceState::running);
    BOOST_TEST(rig.world.count("{- program: a2 -} START") == 0u);
    rig.world.exit_now(rig.world.pid_of("x"));
    rig.world.advance_seconds(0);
    BOOST_TEST(rig.world.count("{- program: a2 -} START") == 1u);
    BOOST_TEST(rig.engine.instance("a2")->state == InstanceState::running);
}

BOOST_AUTO_TEST_CASE(a_throw_between_waiting_and_its_timer_still_restarts) {
    ProgramSpec p = program("p");
    p.delay = 1;
    Rig rig(specs({p}));
    rig.engine.start();
    rig.world.exit_now(rig.world.pid_of("p"));
    rig.world.throw_on_log = "WAITING";
    BOOST_CHECK_THROW(rig.world.advance_seconds(0), std::runtime_error);
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::waiting);
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.instance("p")->state == InstanceState::running);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
