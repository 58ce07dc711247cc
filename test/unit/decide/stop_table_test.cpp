// The stop table (spec 7.7), cell by cell, with and without termgrace and logger.
#include <signal.h>

#include <ostream>
#include <string>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/stop_table.hpp"

namespace angel {
namespace {

using S = StopState;
using E = StopEvent;

std::string render(const StopTransition& t) {
    if (!t.possible) return "impossible";
    std::string out = std::string(name_of(t.next)) + ":";
    for (const StopAction& a : t.actions) {
        out += ' ';
        switch (a.kind) {
            case StopActionKind::log: out += "[" + a.line + "]"; break;
            case StopActionKind::term_program:
                out += a.signal == SIGTERM ? "TERM>program" : "SIG" + std::to_string(a.signal) + ">program";
                break;
            case StopActionKind::term_logger: out += "TERM>logger"; break;
            case StopActionKind::kill_program: out += "KILL>program"; break;
            case StopActionKind::kill_logger: out += "KILL>logger"; break;
            case StopActionKind::arm_grace: out += "arm:" + std::to_string(a.seconds); break;
            case StopActionKind::done: out += "done"; break;
        }
    }
    return out;
}

const StopFacts kSoft{"web", false, std::nullopt, SIGTERM};
const StopFacts kSoftLogger{"web", true, std::nullopt, SIGTERM};
const StopFacts kGrace{"web", false, 3, SIGTERM};
const StopFacts kGraceLogger{"web", true, 3, SIGTERM};
const StopFacts kGraceZero{"web", false, 0, SIGTERM};
const StopFacts kSoftQuit{"web", true, std::nullopt, SIGQUIT};
const StopFacts kGraceQuit{"web", true, 3, SIGQUIT};

}  // namespace

BOOST_AUTO_TEST_SUITE(stop_table)

BOOST_AUTO_TEST_CASE(idle_begin_soft) {
    BOOST_TEST(render(step(S::idle, E::begin, kSoft)) == "idle: [Soft killing web] TERM>program done");
}

BOOST_AUTO_TEST_CASE(idle_begin_soft_with_logger_kills_both_with_two_lines) {
    BOOST_TEST(render(step(S::idle, E::begin, kSoftLogger)) ==
               "idle: [Soft killing web] TERM>program [Soft killing web] TERM>logger done");
}

BOOST_AUTO_TEST_CASE(stopsignal_goes_to_the_program_only_soft) {  // the logger still gets TERM
    BOOST_TEST(render(step(S::idle, E::begin, kSoftQuit)) ==
               "idle: [Soft killing web] SIG" + std::to_string(SIGQUIT) + ">program [Soft killing web] TERM>logger done");
}

BOOST_AUTO_TEST_CASE(stopsignal_goes_to_the_program_only_with_termgrace) {
    BOOST_TEST(render(step(S::idle, E::begin, kGraceQuit)) ==
               "program_grace: [Attempting soft kill web before hard killing] SIG" + std::to_string(SIGQUIT) +
                   ">program [Waiting 3 seconds for web to die] arm:3");
    BOOST_TEST(render(step(S::program_grace, E::grace_elapsed, kGraceQuit)) ==
               "logger_grace: [Hard killing web] KILL>program [Attempting soft kill web before hard killing] "
               "TERM>logger [Waiting 3 seconds for web to die] arm:3");
}

BOOST_AUTO_TEST_CASE(idle_begin_with_termgrace_waits) {
    BOOST_TEST(render(step(S::idle, E::begin, kGrace)) ==
               "program_grace: [Attempting soft kill web before hard killing] TERM>program "
               "[Waiting 3 seconds for web to die] arm:3");
}

BOOST_AUTO_TEST_CASE(termgrace_zero_still_waits_zero_seconds) {  // D17
    BOOST_TEST(render(step(S::idle, E::begin, kGraceZero)) ==
               "program_grace: [Attempting soft kill web before hard killing] TERM>program "
               "[Waiting 0 seconds for web to die] arm:0");
}

BOOST_AUTO_TEST_CASE(idle_grace_elapsed_is_impossible) {
    BOOST_TEST(render(step(S::idle, E::grace_elapsed, kGrace)) == "impossible");
}

BOOST_AUTO_TEST_CASE(program_grace_over_without_logger_is_done) {
    BOOST_TEST(render(step(S::program_grace, E::grace_elapsed, kGrace)) ==
               "idle: [Hard killing web] KILL>program done");
}

BOOST_AUTO_TEST_CASE(program_grace_over_with_logger_goes_on_to_the_logger) {  // D10: a logger doubles the wait
    BOOST_TEST(render(step(S::program_grace, E::grace_elapsed, kGraceLogger)) ==
               "logger_grace: [Hard killing web] KILL>program [Attempting soft kill web before hard killing] "
               "TERM>logger [Waiting 3 seconds for web to die] arm:3");
}

BOOST_AUTO_TEST_CASE(program_grace_begin_is_impossible) {
    BOOST_TEST(render(step(S::program_grace, E::begin, kGrace)) == "impossible");
}

BOOST_AUTO_TEST_CASE(logger_grace_over_is_done) {
    BOOST_TEST(render(step(S::logger_grace, E::grace_elapsed, kGraceLogger)) ==
               "idle: [Hard killing web] KILL>logger done");
}

BOOST_AUTO_TEST_CASE(logger_grace_begin_is_impossible) {
    BOOST_TEST(render(step(S::logger_grace, E::begin, kGraceLogger)) == "impossible");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
