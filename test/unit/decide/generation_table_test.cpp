// The generation table, cell by cell: one test case for every state x event, checked
// against a second, independent statement of the table written out below; then the
// cells whose outcome depends on the facts, with the other facts.
#include <array>
#include <ostream>
#include <string>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "supervisor/decide/generation_table.hpp"
#include "table_cells.hpp"

namespace angel {

std::ostream& operator<<(std::ostream& os, GenerationState s) { return os << name_of(s); }
std::ostream& operator<<(std::ostream& os, GenerationEvent e) { return os << name_of(e); }

namespace {

using S = GenerationState;
using E = GenerationEvent;

std::string render(const GenerationTransition& t) {
    if (!t.possible) return "impossible";
    std::string out = std::string(name_of(t.next)) + ":";
    for (const GenerationAction& a : t.actions) {
        out += ' ';
        switch (a.kind) {
            case GenerationActionKind::log: out += (a.level == Level::v1 ? "log1:" : "log:") + std::string(a.message); break;
            case GenerationActionKind::log_pid: out += "log_pid:" + std::string(a.message); break;
            case GenerationActionKind::report_error: out += "report_error:" + std::string(a.text); break;
            case GenerationActionKind::write_pidfile: out += "write_pidfile"; break;
            case GenerationActionKind::serve: out += "serve"; break;
            case GenerationActionKind::stop: out += "stop"; break;
            case GenerationActionKind::failed: out += "failed:" + std::string(a.text); break;
            case GenerationActionKind::recycle: out += "recycle:" + std::string(a.text); break;
            case GenerationActionKind::recycle_asked: out += "recycle_asked:" + std::string(a.text); break;
            case GenerationActionKind::remove_pidfile: out += "remove_pidfile"; break;
            case GenerationActionKind::arm_restart: out += "arm_restart"; break;
            case GenerationActionKind::forget: out += "forget"; break;
        }
    }
    return out;
}

/// Wanted, had been ready, a pidfile, its id desired, the text "why".
GenerationFacts facts() {
    GenerationFacts f;
    f.wanted = true;
    f.was_ready = true;
    f.has_pidfile = true;
    f.slot_desired = true;
    f.text = "why";
    return f;
}

constexpr std::array kStates = {S::starting, S::serving, S::retiring, S::gone};
constexpr std::array kEvents = {E::ready,        E::pidfile_written, E::pidfile_failed, E::ready_timeout, E::readiness_eof,
                                E::exited,       E::stopping,        E::recycle_due,    E::grace_elapsed, E::spec_changed,
                                E::restart_asked, E::replaced,       E::stop_first,     E::shutdown,      E::stop_asked,
                                E::unhealthy};

constexpr const char* X = "impossible";

/// The expected table: [state][event], in kEvents' order.
const std::array<std::array<const char*, 16>, 4> kExpected = {{
    // starting
    {"starting: write_pidfile", "serving: log:READY serve",
     "retiring: log:Failed to create pidfile report_error:why stop failed:NOT READY: its pidfile could not be written",
     "retiring: stop failed:why",
     "retiring: stop failed:NOT READY: closed its readiness descriptor before it was ready",
     "gone: log:ENDED failed:NOT READY: exited before it was ready forget", "starting:", X, X, "retiring: stop", X, X, X,
     "retiring: stop", "retiring: stop", X},
    // serving
    {"serving:", X, X, X, "serving:", "gone: log:ENDED remove_pidfile log:WAITING arm_restart forget",
     "serving: recycle:asked with STOPPING=1", "serving: recycle:why", X, "serving:",
     "serving: recycle_asked:asked by angelctl restart", "retiring: log_pid:RETIRING pid  stop",
     "retiring: log_pid:RETIRING pid  stop", "serving:", "retiring: log_pid:RETIRING pid  stop", "serving: recycle:why"},
    // retiring
    {"retiring:", X, X, X, "retiring:", "gone: log:ENDED (replaced) forget", "retiring:", X, "retiring: forget",
     "retiring:", X, X, X, "retiring:", X, X},
    // gone
    {X, X, X, X, X, X, X, X, "gone: forget", "gone:", X, X, X, "gone:", X, X},
}};


}  // namespace

BOOST_AUTO_TEST_SUITE(generation_table)

BOOST_AUTO_TEST_CASE(table_covers_every_state_and_event) {
    BOOST_TEST(kStates.size() == kGenerationStates);
    BOOST_TEST(kEvents.size() == kGenerationEvents);
}

BOOST_DATA_TEST_CASE(cell, boost::unit_test::data::make(test::all_cells(kStates, kEvents)), c) {
    const auto s = static_cast<std::size_t>(c.state);
    const auto e = static_cast<std::size_t>(c.event);
    BOOST_TEST(render(step(c.state, c.event, facts())) == kExpected[s][e]);
}

BOOST_AUTO_TEST_CASE(ready_when_no_longer_wanted_is_stopped_never_served) {
    GenerationFacts f = facts();
    f.wanted = false;
    BOOST_TEST(render(step(S::starting, E::ready, f)) == "retiring: log_pid:RETIRING pid  stop");
}

BOOST_AUTO_TEST_CASE(a_serving_one_dying_when_its_id_left_quits) {
    GenerationFacts f = facts();
    f.slot_desired = false;
    f.has_pidfile = false;
    BOOST_TEST(render(step(S::serving, E::exited, f)) == "gone: log:ENDED log:QUIT forget");
}

BOOST_AUTO_TEST_CASE(a_served_one_stopped_by_angelctl_ends_not_replaced) {
    GenerationFacts f = facts();
    f.held = true;
    f.slot_desired = false;
    BOOST_TEST(render(step(S::retiring, E::exited, f)) == "gone: log:ENDED forget");
    // A new instance that crossed its stop is never served.
    f.wanted = false;
    BOOST_TEST(render(step(S::starting, E::ready, f)) == "retiring: log_pid:RETIRING pid  stop");
}

BOOST_AUTO_TEST_CASE(a_retiring_one_that_never_served_dies_silently) {
    GenerationFacts f = facts();
    f.was_ready = false;
    BOOST_TEST(render(step(S::retiring, E::exited, f)) == "gone: forget");
}

// The invariant, read off the table: no event of another generation, no load and no
// shutdown stops a serving generation; only `replaced` (its successor is ready),
// surge 0's `stop_first` and an explicit angelctl stop do.
BOOST_AUTO_TEST_CASE(only_a_ready_successor_or_stop_first_or_angelctl_stop_stops_a_serving_generation) {
    for (E e : kEvents) {
        const GenerationTransition t = step(S::serving, e, facts());
        if (!t.possible || e == E::exited) continue;
        const bool stops = t.next == S::retiring;
        BOOST_TEST(stops == (e == E::replaced || e == E::stop_first || e == E::stop_asked), name_of(e));
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
