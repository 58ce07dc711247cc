// Value and Map: the interface the supervisor codes against.
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
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
    BOOST_TEST(sizeof(Value) <= 40u);
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
