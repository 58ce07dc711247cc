// Splitting exec and logger command lines (spec 5.1).
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/split_command.hpp"

namespace angel {

using Pieces = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(split_command_line)

BOOST_AUTO_TEST_CASE(verified_example) {
    const std::string command =
        "args.sh a\tb \tc\t \t x\u00a0 \u2003y\u2003 z\n  \"q q\"  'r r' \\s";
    BOOST_TEST(split_command(command) ==
                   (Pieces{"args.sh", "a\tb", "c", "x", "y", "z", "\"q", "q\"", "'r", "r'", "\\s"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_quoting) {
    BOOST_TEST(split_command("sh -c 'echo hi'") == (Pieces{"sh", "-c", "'echo", "hi'"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nothing_to_run) {
    BOOST_TEST(split_command("").empty());
    BOOST_TEST(split_command("    ").empty());
    BOOST_TEST(split_command(" \t\n\r\f\v\u00a0\u3000 ").empty());
}

BOOST_AUTO_TEST_CASE(only_single_ascii_spaces_split) {
    // A tab or a Unicode space inside a piece does not split it.
    BOOST_TEST(split_command("a\tb\u2003c") == (Pieces{"a\tb\u2003c"}),
               boost::test_tools::per_element());
    BOOST_TEST(split_command("  a   b  ") == (Pieces{"a", "b"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(non_spaces_are_kept) {
    // U+0085 (NEL), U+200B (zero width) and U+2028 (line separator) are not Zs.
    BOOST_TEST(split_command("\u0085a\u200b \u2028b") == (Pieces{"\u0085a\u200b", "\u2028b"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_bytes_survive) {
    BOOST_TEST(split_command("\xff" "a \xc3") == (Pieces{"\xff" "a", "\xc3"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(haskell_space_set) {
    for (char32_t c : {U'\t', U'\n', U'\v', U'\f', U'\r', U' ', U'\u00a0', U'\u1680', U'\u2000',
                       U'\u200a', U'\u202f', U'\u205f', U'\u3000'}) {
        BOOST_TEST(is_haskell_space(c));
    }
    for (char32_t c : {U'\0', U'\x08', U'\x0e', U'\x1c', U'\u0085', U'\u180e', U'\u200b',
                       U'\u2028', U'\u2029', U'\ufeff', U'a'}) {
        BOOST_TEST(!is_haskell_space(c));
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
