// Crash-loop back-off (maxdelay): doubling from max(delay, 1), capped, reset by a long run.
#include <boost/test/unit_test.hpp>

#include "supervisor/decide/backoff.hpp"

namespace angel {
namespace {

ProgramSpec spec_with(std::optional<std::int64_t> delay, std::optional<std::int64_t> maxdelay) {
    ProgramSpec s;
    s.id = "p";
    s.exec = "x";
    s.delay = delay;
    s.maxdelay = maxdelay;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backoff)

BOOST_AUTO_TEST_CASE(without_maxdelay_the_fixed_delay) {
    BOOST_TEST(restart_backoff(spec_with(0, std::nullopt), 0, 7).wait == 0);  // delay = 0: at once
    BOOST_TEST(restart_backoff(spec_with(std::nullopt, std::nullopt), 0, 0).wait == 5);
    BOOST_TEST(restart_backoff(spec_with(3, std::nullopt), 0, 0).quick_failures == 0);
}

BOOST_AUTO_TEST_CASE(quick_failures_double_up_to_maxdelay) {
    const ProgramSpec s = spec_with(0, 10);  // delay 0: from 1 s
    std::int64_t failures = 0;
    std::vector<std::int64_t> waits;
    for (int i = 0; i < 6; ++i) {
        const Backoff b = restart_backoff(s, 0, failures);
        waits.push_back(b.wait);
        failures = b.quick_failures;
    }
    BOOST_TEST(waits == (std::vector<std::int64_t>{1, 2, 4, 8, 10, 10}), boost::test_tools::per_element());
    BOOST_TEST(failures == 6);
}

BOOST_AUTO_TEST_CASE(from_delay_when_it_is_larger) {
    const ProgramSpec s = spec_with(3, 20);
    BOOST_TEST(restart_backoff(s, 1, 0).wait == 3);
    BOOST_TEST(restart_backoff(s, 1, 1).wait == 6);
    BOOST_TEST(restart_backoff(s, 1, 3).wait == 20);
}

BOOST_AUTO_TEST_CASE(a_run_longer_than_maxdelay_starts_over) {
    const ProgramSpec s = spec_with(2, 10);
    const Backoff b = restart_backoff(s, 10, 5);
    BOOST_TEST(b.wait == 2);
    BOOST_TEST(b.quick_failures == 0);
    BOOST_TEST(restart_backoff(s, 9, 5).wait == 10);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
