// Health checks decided: consecutive failures, the one replacement per run, and
// when the first check of an instance is due (staggered, stable).
#include <set>
#include <string>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/health.hpp"

namespace angel {

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(the_checkfails_th_failure_in_a_row_is_unhealthy_once) {
    std::int64_t failures = 0;
    BOOST_TEST((count_check(failures, false, 3) == CheckVerdict::failing));
    BOOST_TEST((count_check(failures, false, 3) == CheckVerdict::failing));
    BOOST_TEST((count_check(failures, false, 3) == CheckVerdict::unhealthy));
    BOOST_TEST(failures == 3);
    BOOST_TEST((count_check(failures, false, 3) == CheckVerdict::failing));  // replaced already
}

BOOST_AUTO_TEST_CASE(a_pass_ends_the_run) {
    std::int64_t failures = 0;
    count_check(failures, false, 2);
    BOOST_TEST((count_check(failures, true, 2) == CheckVerdict::healthy));
    BOOST_TEST(failures == 0);
    BOOST_TEST((count_check(failures, false, 2) == CheckVerdict::failing));
    BOOST_TEST((count_check(failures, false, 1) == CheckVerdict::failing));  // 2 > 1: not again
    std::int64_t once = 0;
    BOOST_TEST((count_check(once, false, 1) == CheckVerdict::unhealthy));
}

BOOST_AUTO_TEST_CASE(offsets_are_stable_within_the_period_and_spread) {
    std::set<std::int64_t> seen;
    for (int i = 1; i <= 1000; ++i) {
        const std::string id = "w-" + std::to_string(i);
        const auto offset = check_offset(id, 1).count();
        BOOST_TEST(offset >= 0);
        BOOST_TEST(offset < 1000);
        BOOST_TEST(offset == check_offset(id, 1).count());
        seen.insert(offset / 100);
    }
    BOOST_TEST(seen.size() == 10u);  // every tenth of the second has some
}

BOOST_AUTO_TEST_CASE(first_check_after_start_or_at_readiness) {
    CheckSpec c;
    c.every = 10;
    const auto offset = check_offset("web", 10);
    BOOST_TEST(first_check_after("web", c, false).count() == 10000 + offset.count());
    BOOST_TEST(first_check_after("web", c, true).count() == offset.count());
}

BOOST_AUTO_TEST_CASE(reason_text) {
    BOOST_TEST(unhealthy_reason(3) == "3 checks failed in a row");
    BOOST_TEST(unhealthy_reason(1) == "1 check failed");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
