// The corpus output format.
#include <boost/test/unit_test.hpp>

#include <string>

#include "configurator/dump_format.hpp"

using configurator::List;
using configurator::Map;
using configurator::Number;
using configurator::Value;

BOOST_AUTO_TEST_CASE(escaping) {
    BOOST_TEST(configurator::dump_escape("a\\b\"c\nd\te\rf") == "a\\\\b\\\"c\\nd\\te\\rf");
    BOOST_TEST(configurator::dump_escape(std::string("\0\x1B\x7F", 3)) == "\\u{0}\\u{1B}\\u{7F}");
    BOOST_TEST(configurator::dump_escape("\xC2\x85\xC2\x9F\xC2\xA0\xC3\xA9") == "\\u{85}\\u{9F}\xC2\xA0\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(whole_map) {
    Map m{{"s", Value("str")},
          {"b", Value(true)},
          {"f", Value(Number::fraction(3, 4))},
          {"g.i", Value(-3)},
          {"l", Value(List{Value(1), Value("x"), Value(false), Value(List{Value(2)})})},
          {"n", Value(12)},
          {"e", Value(List{})}};
    BOOST_TEST(configurator::dump_map(m) ==
               "b\tbool\ttrue\n"
               "e\tlist\t[]\n"
               "f\tnumber\t3/4\n"
               "g.i\tnumber\t-3/1\n"
               "l\tlist\t[number 1/1, string \"x\", bool false, list [number 2/1]]\n"
               "n\tnumber\t12/1\n"
               "s\tstring\t\"str\"\n");
    BOOST_TEST(configurator::dump_map(Map{}).empty());
}

BOOST_AUTO_TEST_CASE(deep_lists_do_not_recurse) {
    Value v = List{};
    for (int i = 0; i < 999; ++i) v = List{std::move(v)};
    std::string s = configurator::dump_typed_value(v);
    BOOST_TEST(s.size() == 1000 * 7);
    BOOST_TEST(s.substr(0, 14) == "list [list [li");
}

BOOST_AUTO_TEST_CASE(errors) {
    BOOST_TEST(configurator::dump_error("a\nb") == "error\ta\\nb\n");
}
