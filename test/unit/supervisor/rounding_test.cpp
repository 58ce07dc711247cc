// Rounding of delay, termgrace and count (spec 4.4, 4.5, defect D17).
#include <cstdint>
#include <limits>
#include <optional>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/rounding.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using configurator::Rational;
using test::boolean;
using test::num;
using test::specs_of;
using test::str;

Rational q(std::int64_t n, std::int64_t d = 1) { return Rational(n) / d; }

ProgramSpec with(const char* key, configurator::Value value) {
    return specs_of({{"p.exec", str("x")}, {std::string("p.") + key, std::move(value)}}).at("p");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rounding)

BOOST_AUTO_TEST_CASE(half_to_even) {
    BOOST_TEST(round_half_even(q(5, 2)) == 2);
    BOOST_TEST(round_half_even(q(7, 2)) == 4);
    BOOST_TEST(round_half_even(q(2, 5)) == 0);
    BOOST_TEST(round_half_even(q(3, 5)) == 1);
    BOOST_TEST(round_half_even(q(1, 2)) == 0);
    BOOST_TEST(round_half_even(q(3, 2)) == 2);
    BOOST_TEST(round_half_even(q(0)) == 0);
    BOOST_TEST(round_half_even(q(17)) == 17);
    BOOST_TEST(round_half_even(q(-5, 2)) == -2);
    BOOST_TEST(round_half_even(q(-7, 2)) == -4);
    BOOST_TEST(round_half_even(q(-3, 5)) == -1);
}

BOOST_AUTO_TEST_CASE(absurd_values_wrap_like_haskell_int) {
    const Rational huge = Rational(boost::multiprecision::cpp_int("1000000000000000000000000000000"));
    BOOST_TEST(round_half_even(Rational(10'000'000'000LL)) == 10'000'000'000LL);
    BOOST_TEST(round_half_even(huge) == 5076944270305263616LL);
    BOOST_TEST(round_half_even(-huge) == -5076944270305263616LL);
    const Rational two_63 = Rational(boost::multiprecision::cpp_int(1) << 63);
    BOOST_TEST(round_half_even(two_63) == std::numeric_limits<std::int64_t>::min());
    BOOST_TEST(count_instances(huge) == kMaxInstances);
}

BOOST_AUTO_TEST_CASE(count_half_up) {
    BOOST_TEST(count_instances(q(0)) == 0);
    BOOST_TEST(count_instances(q(2, 5)) == 0);
    BOOST_TEST(count_instances(q(1, 2)) == 1);
    BOOST_TEST(count_instances(q(1)) == 1);
    BOOST_TEST(count_instances(q(3, 2)) == 2);
    BOOST_TEST(count_instances(q(12, 5)) == 2);
    BOOST_TEST(count_instances(q(5, 2)) == 3);
}

BOOST_AUTO_TEST_CASE(delay_in_specs) {
    BOOST_TEST(!specs_of({{"p.exec", str("x")}}).at("p").delay);
    BOOST_TEST((with("delay", num(5)).delay == 5));
    // The original keeps "absent" apart from 5: changing one to the other restarts the program.
    BOOST_TEST((specs_of({{"p.exec", str("x")}}).at("p") != with("delay", num(5))));
    BOOST_TEST((with("delay", num(5, 2)).delay == 2));
    BOOST_TEST((with("delay", num(7, 2)).delay == 4));
    BOOST_TEST((with("delay", num(2, 5)).delay == 0));
    BOOST_TEST((with("delay", num(3, 5)).delay == 1));
    BOOST_TEST((with("delay", num(0)).delay == 0));
    BOOST_TEST((with("delay", num(2)) == with("delay", num(5, 2))));  // round alike: equal
}

BOOST_AUTO_TEST_CASE(termgrace_in_specs) {
    BOOST_TEST(!specs_of({{"p.exec", str("x")}}).at("p").termgrace.has_value());
    BOOST_TEST(!with("termgrace", num(0)).termgrace.has_value());
    BOOST_TEST(!with("termgrace", boolean(false)).termgrace.has_value());
    BOOST_TEST((with("termgrace", num(1, 2)).termgrace == std::optional<std::int64_t>(0)));
    BOOST_TEST((with("termgrace", num(2, 5)).termgrace == std::optional<std::int64_t>(0)));
    BOOST_TEST((with("termgrace", num(3, 2)).termgrace == std::optional<std::int64_t>(2)));
    BOOST_TEST((with("termgrace", num(5, 2)).termgrace == std::optional<std::int64_t>(2)));
    BOOST_TEST((with("termgrace", num(3)).termgrace == std::optional<std::int64_t>(3)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
