// Value and Map: the interface the supervisor codes against.
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "configurator/value.hpp"

using configurator::List;
using configurator::Map;
using configurator::Number;
using configurator::Rational;
using configurator::Value;

BOOST_AUTO_TEST_CASE(value_kinds) {
    BOOST_TEST(Value(true).as_bool());
    BOOST_TEST(Value("s").as_string() == "s");
    BOOST_TEST(Value(std::string("t")).is_string());
    BOOST_TEST(Value(7).as_number() == 7);
    BOOST_TEST(Value(Rational(1) / 3).as_number() == Rational(1) / 3);
    BOOST_TEST(Value(List{Value(1)}).as_list().size() == 1u);
    BOOST_TEST(!Value(1).is_bool());
    BOOST_TEST(sizeof(Value) == 16u);
}

BOOST_AUTO_TEST_CASE(big_numbers_stay_exact) {
    Rational big = Rational(boost::multiprecision::cpp_int("123456789012345678901234567891")) / 7;
    Value v(big);
    BOOST_TEST(v.as_number() == big);
    BOOST_TEST(v.number().numerator_text() == "123456789012345678901234567891");
    BOOST_TEST(v.number().denominator_text() == "7");
    BOOST_TEST(Value(big) == v);
    BOOST_TEST(Number::fraction(-6, 4).rational() == Rational(-3) / 2);
}

BOOST_AUTO_TEST_CASE(strings_inline_and_out_of_line) {
    for (std::size_t n : {0u, 1u, 14u, 15u, 100u}) {
        const std::string text(n, 'x');
        Value v(text);
        BOOST_TEST(v.as_string() == text);
        Value copy = v;
        BOOST_TEST(copy.as_string() == text);
        BOOST_TEST((copy == v));
        Value moved = std::move(copy);
        BOOST_TEST(moved.as_string() == text);
        copy = moved;  // assigning to a moved-from value
        BOOST_TEST(copy.as_string() == text);
    }
    BOOST_TEST(Value(std::string("a\0b", 3)).as_string().size() == 3u);
    BOOST_TEST((Value("abc") != Value("abd")));
    BOOST_CHECK_THROW(Value(1).as_string(), std::bad_variant_access);
}

BOOST_AUTO_TEST_CASE(numbers_inline_and_out_of_line) {
    const Rational wide_denominator = Rational(1) / Rational(4294967296LL);  // 1/2^32
    const Rational at_limit = Rational(1) / Rational(4294967295LL);    // 1/(2^32-1)
    for (const Rational& r : {Rational(0), Rational(-7), Rational(3) / 2000, at_limit, wide_denominator}) {
        Value v(r);
        BOOST_TEST(v.is_number());
        BOOST_TEST(v.as_number() == r);
        Value copy = v;
        BOOST_TEST((copy == v));
        BOOST_TEST(copy.as_number() == r);
    }
    BOOST_TEST((Value(wide_denominator) != Value(at_limit)));
    BOOST_TEST((Value(1) != Value(true)));
    BOOST_TEST(Value(wide_denominator).number().denominator_text() == "4294967296");
}

BOOST_AUTO_TEST_CASE(lists_copy_deeply) {
    Value inner(List{Value(1), Value(std::string(20, 'y'))});
    Value v(List{Value(true), inner, Value(List{})});
    Value copy = v;
    BOOST_TEST((copy == v));
    BOOST_TEST(copy.as_list().size() == 3u);
    BOOST_TEST(copy.as_list()[1].as_list()[1].as_string() == std::string(20, 'y'));
    BOOST_TEST(copy.as_list()[2].as_list().empty());
    BOOST_TEST(copy.as_list()[1].as_list().data() != v.as_list()[1].as_list().data());
    copy = Value(List{Value(true)});
    BOOST_TEST((copy != v));
    v = v.as_list()[1];  // an element of itself: copied before the old value goes
    BOOST_TEST((v == inner));
}

BOOST_AUTO_TEST_CASE(map_in_key_order) {
    Map m;
    m["b"] = Value(2);
    m.insert_or_assign("a", Value(1));
    m.emplace("c", Value(3));
    m.emplace("a", Value(9));  // present: unchanged
    m.insert_or_assign("b", Value("two"));
    std::vector<std::string> keys;
    for (const auto& [k, v] : m) keys.push_back(k);
    BOOST_TEST((keys == std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(m.at("a").as_number() == 1);
    BOOST_TEST(m.find("b")->second.as_string() == "two");
    BOOST_TEST((m.find("z") == m.end()));
    BOOST_TEST(m.contains("c"));
    BOOST_TEST(m.count("d") == 0u);
    BOOST_TEST(m.size() == 3u);
    BOOST_CHECK_THROW(m.at("z"), std::out_of_range);
    BOOST_TEST(m.lower_bound("b")->first == "b");
    BOOST_TEST(m.upper_bound("b")->first == "c");
}

BOOST_AUTO_TEST_CASE(map_sorts_bytes_unsigned) {
    Map m{{"\xC3\xA9", Value(1)}, {"z", Value(2)}, {"Z", Value(3)}};
    std::vector<std::string> keys;
    for (auto it = m.begin(); it != m.end(); ++it) keys.push_back(it->first);
    BOOST_TEST((keys == std::vector<std::string>{"Z", "z", "\xC3\xA9"}));
}
