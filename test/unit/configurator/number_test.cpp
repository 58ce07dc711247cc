// Number literals to exact values; non-integers formatted as Haskell shows a Double.
#include <boost/test/unit_test.hpp>

#include <string>

#include "configurator/number.hpp"

namespace {

using configurator::number_from_literal;

std::string exact(const std::string& lit) {
    auto n = number_from_literal(lit);
    return n.numerator_text() + "/" + n.denominator_text();
}

std::string shown(const std::string& lit) { return configurator::interpolation_text(number_from_literal(lit)); }

}  // namespace

BOOST_AUTO_TEST_CASE(exact_values) {
    BOOST_TEST(exact("0") == "0/1");
    BOOST_TEST(exact("-0") == "0/1");
    BOOST_TEST(exact("+0.0") == "0/1");
    BOOST_TEST(exact("42") == "42/1");
    BOOST_TEST(exact("-1.25") == "-5/4");
    BOOST_TEST(exact("0.001") == "1/1000");
    BOOST_TEST(exact("1e-3") == "1/1000");
    BOOST_TEST(exact("5.") == "5/1");
    BOOST_TEST(exact("1.e5") == "100000/1");
    BOOST_TEST(exact("1e007") == "10000000/1");
    BOOST_TEST(exact("007") == "7/1");
    BOOST_TEST(exact("-2.5e-3") == "-1/400");
    BOOST_TEST(exact("99999999999999999999999") == "99999999999999999999999/1");
    BOOST_TEST(exact("1e-20") == "1/100000000000000000000");
    BOOST_TEST(exact("3.14159265358979323846264338327950288") ==
               "19634954084936207740391521145496893/6250000000000000000000000000000000");
    BOOST_TEST(exact("9223372036854775807") == "9223372036854775807/1");
    BOOST_TEST(exact("-9223372036854775809") == "-9223372036854775809/1");
    BOOST_TEST(exact("1e100") == "1" + std::string(100, '0') + "/1");
}

BOOST_AUTO_TEST_CASE(rational_round_trip) {
    auto n = number_from_literal("-1.25");
    BOOST_TEST(n.rational() == configurator::Rational(-5) / 4);
    auto big = number_from_literal("1e-30");
    BOOST_TEST(big.rational() * configurator::Rational(boost::multiprecision::cpp_int("1000000000000000000000000000000")) == 1);
    BOOST_TEST(configurator::Number(configurator::Rational(-5) / 4) == n);
}

BOOST_AUTO_TEST_CASE(integers_interpolate_in_decimal) {
    BOOST_TEST(shown("12") == "12");
    BOOST_TEST(shown("-3") == "-3");
    BOOST_TEST(shown("0") == "0");
    BOOST_TEST(shown("1.5e3") == "1500");
    BOOST_TEST(shown("99999999999999999999999") == "99999999999999999999999");
}

BOOST_AUTO_TEST_CASE(non_integers_interpolate_as_haskell_doubles) {
    BOOST_TEST(shown("1.5") == "1.5");
    BOOST_TEST(shown("0.1") == "0.1");
    BOOST_TEST(shown("0.5") == "0.5");
    BOOST_TEST(shown("0.001") == "1.0e-3");
    BOOST_TEST(shown("0.01") == "1.0e-2");
    BOOST_TEST(shown("2.5e-5") == "2.5e-5");
    BOOST_TEST(shown("100.25") == "100.25");
    BOOST_TEST(shown("1234567.5") == "1234567.5");
    BOOST_TEST(shown("9999999.5") == "9999999.5");
    BOOST_TEST(shown("10000000.5") == "1.00000005e7");
    BOOST_TEST(shown("12345678.5") == "1.23456785e7");
    BOOST_TEST(shown("-0.75") == "-0.75");
    BOOST_TEST(shown("3.14159265358979323846") == "3.141592653589793");
    BOOST_TEST(shown("0.333333333333333333333") == "0.3333333333333333");
    BOOST_TEST(shown("1e-400") == "0.0");
    BOOST_TEST(shown("-1e-400") == "-0.0");
    BOOST_TEST(shown("2" + std::string(400, '0') + ".5") == "Infinity");
    BOOST_TEST(shown("-2" + std::string(400, '0') + ".5") == "-Infinity");
}

BOOST_AUTO_TEST_CASE(rounding_is_to_nearest_even) {
    // Doubles in [2^52, 2^53) are the integers: x.5 is a tie, which goes to the even one.
    BOOST_TEST(shown("4503599627370496.5") == "4.503599627370496e15");
    BOOST_TEST(shown("4503599627370497.5") == "4.503599627370498e15");
    BOOST_TEST(shown("4503599627370496.50000000000000000000001") == "4.503599627370497e15");
    BOOST_TEST(configurator::haskell_show_double(0.1) == "0.1");
    BOOST_TEST(configurator::haskell_show_double(1e22) == "1.0e22");
    BOOST_TEST(configurator::haskell_show_double(5e-324) == "5.0e-324");
    BOOST_TEST(configurator::haskell_show_double(1e7) == "1.0e7");
    BOOST_TEST(configurator::haskell_show_double(9999999.0) == "9999999.0");
}

BOOST_AUTO_TEST_CASE(non_decimal_rationals_round_correctly) {
    configurator::Number third(configurator::Rational(1) / 3);
    BOOST_TEST(configurator::interpolation_text(third) == "0.3333333333333333");
    configurator::Number two_thirds(configurator::Rational(-2) / 3);
    BOOST_TEST(configurator::interpolation_text(two_thirds) == "-0.6666666666666666");
}

BOOST_AUTO_TEST_CASE(literal_limits) {
    BOOST_TEST(configurator::number_literal_within_limits("1e4096"));
    BOOST_TEST(configurator::number_literal_within_limits("1e-4096"));
    BOOST_TEST(!configurator::number_literal_within_limits("1e4097"));
    BOOST_TEST(!configurator::number_literal_within_limits("1e99999999999999999999999"));
    BOOST_TEST(configurator::number_literal_within_limits(std::string(4096, '1')));
    BOOST_TEST(!configurator::number_literal_within_limits(std::string(2049, '1') + "." + std::string(2048, '1')));
}
