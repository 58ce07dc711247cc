// Interpolation syntax, scope search, environment fallback and error texts.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "configurator/interpolate.hpp"
#include "test_util.hpp"

namespace {

using configurator::MapBuilder;
using configurator::Value;

std::string expand(const MapBuilder& m, const std::string& s, const std::string& prefix = "") {
    std::string out;
    if (auto err = configurator::interpolate_value(s, prefix, m, configurator::test::fixed_env(), out)) return "ERR " + *err;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(syntax) {
    MapBuilder m;
    BOOST_TEST(expand(m, "a$$b") == "a$b");
    BOOST_TEST(expand(m, "$$(HOME)") == "$(HOME)");
    BOOST_TEST(expand(m, "$$$(HOME)") == "$/home/test");
    BOOST_TEST(expand(m, "x$") == "ERR ParseError \"\" \"not enough input\"");
    BOOST_TEST(expand(m, "x$(") == "ERR ParseError \"\" \"not enough input\"");
    BOOST_TEST(expand(m, "$x") == "ERR ParseError \"\" \"Failed reading: satisfy\"");
    BOOST_TEST(expand(m, "$()") == "ERR ParseError \"\" \"Failed reading: takeWhile1\"");
    BOOST_TEST(expand(m, "$(HOME") == "ERR ParseError \"\" \"')': not enough input\"");
    // The whole string is parsed before any lookup.
    BOOST_TEST(expand(m, "$(NOPE) $x") == "ERR ParseError \"\" \"Failed reading: satisfy\"");
}

BOOST_AUTO_TEST_CASE(names_are_taken_literally_up_to_the_parenthesis) {
    MapBuilder m;
    m.assign("a b", Value("spaced"));
    m.assign("x$(y", Value("odd"));
    BOOST_TEST(expand(m, "$(a b)") == "spaced");
    BOOST_TEST(expand(m, "$(x$(y)") == "odd");
}

BOOST_AUTO_TEST_CASE(scope_search_innermost_first) {
    MapBuilder m;
    m.assign("x", Value("top"));
    m.assign("a.x", Value("a"));
    m.assign("a.b.x", Value("ab"));
    m.assign("a.b.c.y", Value("abcy"));
    m.assign("d.y", Value("dy"));
    BOOST_TEST(expand(m, "$(x)", "a.b.c.") == "ab");
    BOOST_TEST(expand(m, "$(x)", "a.") == "a");
    BOOST_TEST(expand(m, "$(x)", "q.") == "top");
    BOOST_TEST(expand(m, "$(x)") == "top");
    BOOST_TEST(expand(m, "$(c.y)", "a.b.") == "abcy");
    BOOST_TEST(expand(m, "$(b.c.y)", "a.") == "abcy");
    BOOST_TEST(expand(m, "$(y)", "a.") == "ERR ParseError \"\" \"no such variable \\\"y\\\"\"");
}

BOOST_AUTO_TEST_CASE(interpolated_value_kinds) {
    MapBuilder m;
    m.assign("n", Value(configurator::Number(-12)));
    m.assign("f", Value(configurator::Number::fraction(3, 2)));
    m.assign("b", Value(true));
    m.assign("l", Value(configurator::List{}));
    m.assign("s", Value("$(HOME)"));
    BOOST_TEST(expand(m, "$(n)/$(f)") == "-12/1.5");
    BOOST_TEST(expand(m, "$(s)") == "$(HOME)");  // never expanded again
    const std::string type_error =
        "ERR type error\nCallStack (from HasCallStack):\n  error, called at ./Data/Configurator.hs:312:28 in "
        "configurator-0.3.0.0-5y2qUCYVZxEEGrUj4y9CDW:Data.Configurator";
    BOOST_TEST(expand(m, "$(b)") == type_error);
    BOOST_TEST(expand(m, "$(l)") == type_error);
    // References resolve left to right: the first failure wins.
    BOOST_TEST(expand(m, "$(NOPE)$(b)") == "ERR ParseError \"\" \"no such variable \\\"NOPE\\\"\"");
    BOOST_TEST(expand(m, "$(b)$(NOPE)") == type_error);
}

BOOST_AUTO_TEST_CASE(environment_fallback) {
    MapBuilder m;
    BOOST_TEST(expand(m, "$(HOME)/x") == "/home/test/x");
    BOOST_TEST(expand(m, "[$(EMPTY)]") == "[]");
    BOOST_TEST(expand(m, "$(CFGDOLLAR)") == "$(HOME)");
    BOOST_TEST(expand(m, "$(BAD)") == "a\xEF\xBF\xBD" "b");  // a byte that is not UTF-8 becomes U+FFFD
    BOOST_TEST(expand(m, "$(home)") == "ERR ParseError \"\" \"no such variable \\\"home\\\"\"");
    BOOST_TEST(expand(m, "$(\xD0\xBA)") == "ERR ParseError \"\" \"no such variable \\\"\\\\1082\\\"\"");
    m.assign("HOME", Value("config"));
    BOOST_TEST(expand(m, "$(HOME)") == "config");
}

BOOST_AUTO_TEST_CASE(paths_use_the_environment_only) {
    std::string out;
    BOOST_TEST(!configurator::interpolate_path("$(CFGSUB)/a$$b.cfg", configurator::test::fixed_env(), out));
    BOOST_TEST(out == "sub/a$b.cfg");
    std::string out2;
    BOOST_TEST(*configurator::interpolate_path("$(dir)/a.cfg", configurator::test::fixed_env(), out2) ==
               "ParseError \"\" \"no such variable \\\"dir\\\"\"");
}
