// The daemon's scheduler: one piece of work at a time (D13), coalesced HUPs (spec 7.5),
// shutdown first and HUP ignored after it (D14).
#include <ostream>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/scheduler.hpp"

namespace angel {

std::ostream& operator<<(std::ostream& os, Phase p) { return os << name_of(p); }
std::ostream& operator<<(std::ostream& os, Work w) {
    switch (w) {
        case Work::none: return os << "none";
        case Work::first_load: return os << "first_load";
        case Work::reload: return os << "reload";
        case Work::tick: return os << "tick";
        case Work::shutdown: return os << "shutdown";
    }
    return os << "?";
}

namespace {

/// A scheduler past its first load.
Scheduler started() {
    Scheduler s;
    BOOST_TEST(s.take_next() == Work::first_load);
    s.finish();
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scheduler)

BOOST_AUTO_TEST_CASE(first_work_is_the_first_load) {
    Scheduler s;
    BOOST_TEST(s.phase() == Phase::idle);
    BOOST_TEST(s.take_next() == Work::first_load);
    BOOST_TEST(s.phase() == Phase::loading);
    BOOST_TEST(s.busy());
    s.finish();
    BOOST_TEST(s.phase() == Phase::idle);
    BOOST_TEST(s.take_next() == Work::none);
}

BOOST_AUTO_TEST_CASE(nothing_starts_while_busy) {  // D13
    Scheduler s = started();
    s.request_tick();
    BOOST_TEST(s.take_next() == Work::tick);
    BOOST_TEST(s.phase() == Phase::syncing);
    BOOST_TEST(s.request_reload());
    BOOST_TEST(s.take_next() == Work::none);
    s.finish();
    BOOST_TEST(s.take_next() == Work::reload);
    BOOST_TEST(s.phase() == Phase::loading);
}

BOOST_AUTO_TEST_CASE(hups_while_busy_coalesce_into_one_reload) {
    Scheduler s = started();
    s.request_tick();
    BOOST_TEST(s.take_next() == Work::tick);
    for (int i = 0; i < 5; ++i) BOOST_TEST(s.request_reload());
    s.finish();
    BOOST_TEST(s.take_next() == Work::reload);
    s.finish();
    BOOST_TEST(s.take_next() == Work::none);
}

BOOST_AUTO_TEST_CASE(reload_goes_before_a_pending_tick) {
    Scheduler s = started();
    s.request_tick();
    s.request_reload();
    BOOST_TEST(s.take_next() == Work::reload);
    s.finish();
    BOOST_TEST(s.take_next() == Work::tick);
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_the_work_in_progress_then_goes_first) {
    Scheduler s = started();
    BOOST_TEST(s.request_reload());
    BOOST_TEST(s.take_next() == Work::reload);
    s.request_tick();
    BOOST_TEST(s.request_shutdown());
    BOOST_TEST(s.take_next() == Work::none);  // the reload is still running
    s.finish();
    BOOST_TEST(s.take_next() == Work::shutdown);
    BOOST_TEST(s.phase() == Phase::shutting_down);
    s.finish();
    BOOST_TEST(s.phase() == Phase::finished);
    BOOST_TEST(!s.busy());
    BOOST_TEST(s.take_next() == Work::none);  // the pending tick never runs
}

BOOST_AUTO_TEST_CASE(hup_after_shutdown_is_ignored) {  // D14, fixed
    Scheduler s = started();
    BOOST_TEST(s.request_shutdown());
    BOOST_TEST(!s.request_reload());
    BOOST_TEST(s.take_next() == Work::shutdown);
    s.finish();
    BOOST_TEST(!s.request_reload());
    BOOST_TEST(s.take_next() == Work::none);
}

BOOST_AUTO_TEST_CASE(second_shutdown_is_ignored) {
    Scheduler s = started();
    BOOST_TEST(s.request_shutdown());
    BOOST_TEST(!s.request_shutdown());
}

BOOST_AUTO_TEST_CASE(tick_after_shutdown_is_dropped) {
    Scheduler s = started();
    BOOST_TEST(s.request_shutdown());
    s.request_tick();
    BOOST_TEST(s.take_next() == Work::shutdown);
    s.finish();
    BOOST_TEST(s.take_next() == Work::none);
}

BOOST_AUTO_TEST_CASE(finish_when_idle_changes_nothing) {
    Scheduler s = started();
    s.finish();
    BOOST_TEST(s.phase() == Phase::idle);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
