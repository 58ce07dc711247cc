// String escapes, including the reference's lenient \u.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

#include "configurator/unescape.hpp"

namespace {

std::optional<std::string> un(const std::string& raw) {
    std::string out;
    if (!configurator::unescape(raw, out)) return std::nullopt;
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(simple_escapes) {
    BOOST_TEST(*un("a\\nb\\tc\\rd\\\"e\\\\f") == "a\nb\tc\rd\"e\\f");
    BOOST_TEST(*un("\\\\n") == "\\n");
    BOOST_TEST(*un("plain") == "plain");
}

BOOST_AUTO_TEST_CASE(unknown_escapes_fail) {
    for (const char* bad : {"\\q", "\\/", "\\b", "\\'", "\\U0041", "\\x41", "\\0", "\\\xC3\xA9"}) {
        BOOST_TEST_INFO(bad);
        BOOST_TEST(!un(bad));
    }
}

BOOST_AUTO_TEST_CASE(unicode_escapes) {
    BOOST_TEST(*un("\\u0041") == "A");
    BOOST_TEST(*un("\\u00e9\\u00C9") == "\xC3\xA9\xC3\x89");
    BOOST_TEST(*un("\\u0000") == std::string(1, '\0'));
    BOOST_TEST(*un("\\uFEFF") == "\xEF\xBB\xBF");
    BOOST_TEST(*un("\\u00411") == "A1");          // a fifth hex digit is text
    BOOST_TEST(*un("\\u12zz") == "\x12");         // the rest of the four is dropped
    BOOST_TEST(*un("\\u41 b!") == "A!");
    BOOST_TEST(*un("\\u4xyz.") == std::string("\x04."));
    BOOST_TEST(*un("\\u4\xC3\xA9\xC3\xA9\xC3\xA9.") == std::string("\x04."));  // four characters, not bytes
    BOOST_TEST(!un("\\u123"));                    // fewer than four left
    BOOST_TEST(!un("\\uzzzz"));                   // no hex digit first
    BOOST_TEST(!un("\\u+041"));
}

BOOST_AUTO_TEST_CASE(surrogate_pairs) {
    BOOST_TEST(*un("\\uD83D\\uDE00") == "\xF0\x9F\x98\x80");
    BOOST_TEST(*un("\\ud800\\udc00") == "\xF0\x90\x80\x80");
    BOOST_TEST(*un("\\uDBFF\\uDFFF") == "\xF4\x8F\xBF\xBF");
    BOOST_TEST(!un("\\uD800x"));
    BOOST_TEST(!un("\\uD800"));
    BOOST_TEST(!un("\\uDC00\\uDC00"));
    BOOST_TEST(!un("\\uD800\\uD800"));
    BOOST_TEST(!un("\\uD800\\u0041"));
}
