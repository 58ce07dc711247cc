// Haskell show of the env list: every vector of spec section 10.
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/show_env.hpp"
#include "supervisor/spec/split_command.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::specs_of;
using test::str;

// (value after the config's escapes, shown), spec 10.
const std::vector<std::pair<std::string, std::string>> kShowVectors = {
    {"tab\there", R"("tab\there")"},
    {"nl\nq\"uote\\back", R"("nl\nq\"uote\\back")"},
    {"\x01\x0eH\x0eX\x7f\u0080", R"("\SOH\SO\&H\SOX\DEL\128")"},
    {"\u00e91\u00e9a\u00e9", R"("\233\&1\233a\233")"},
    {"\U0001F600 9", R"("\128512 9")"},
    {"\u65e5\u672c2", R"("\26085\26412\&2")"},
    {"bell\x07\x08\x0b\x0c\x1b[0m", R"("bell\a\b\v\f\ESC[0m")"},
    {"'single' $ done", R"("'single' $ done")"},
    {std::string("\0" "1", 2), R"("\NUL1")"},
    {"\x1f ", R"("\US ")"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(show_env_list)

BOOST_AUTO_TEST_CASE(empty_list) { BOOST_TEST(show_env({}) == "[]"); }

BOOST_AUTO_TEST_CASE(each_value_vector) {
    for (const auto& [value, shown] : kShowVectors) {
        BOOST_TEST(show_env({{"V", value}}) == "[(\"V\"," + shown + ")]");
    }
}

BOOST_AUTO_TEST_CASE(names_are_escaped_too) {
    BOOST_TEST(show_env({{"\u00c91", "x"}, {"A\"B", "y"}}) ==
               R"([("\201\&1","x"),("A\"B","y")])");
}

BOOST_AUTO_TEST_CASE(verified_log_line) {
    configurator::Map map = {{"e.exec", str("true")}};
    const char names[] = "ABCDEFGHIJ";
    for (std::size_t i = 0; i < kShowVectors.size(); ++i) {
        map.emplace(std::string("e.env.") + names[i], str(kShowVectors[i].first));
    }
    const ProgramSpec spec = specs_of(map).at("e");
    const std::string line = "{- program: e -} Spawning process: " +
                             split_command(spec.exec).front() + " with env " + show_env(spec.env);
    BOOST_TEST(line ==
               R"({- program: e -} Spawning process: true with env [("E","\128512 9"),)"
               R"(("J","\US "),("C","\SOH\SO\&H\SOX\DEL\128"),("H","'single' $ done"),)"
               R"(("A","tab\there"),("F","\26085\26412\&2"),("D","\233\&1\233a\233"),)"
               R"(("I","\NUL1"),("B","nl\nq\"uote\\back"),("G","bell\a\b\v\f\ESC[0m")])");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
