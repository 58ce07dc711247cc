// Whole error texts that do not need a file to provoke.
#include <boost/test/unit_test.hpp>

#include <cerrno>

#include "configurator/errors.hpp"
#include "configurator/haskell_show.hpp"

namespace errors = configurator::errors;

BOOST_AUTO_TEST_CASE(parse_errors_quote_with_haskell_show) {
    BOOST_TEST(errors::end_of_input("main.cfg") == "ParseError \"main.cfg\" \"endOfInput\"");
    BOOST_TEST(errors::end_of_input("d\xC3\xA9j\xC3\xA0.cfg") == "ParseError \"d\\233j\\224.cfg\" \"endOfInput\"");
    BOOST_TEST(errors::reserved_word("a.cfg") ==
               "ParseError \"a.cfg\" \"reserved word (\\\"import\\\") used as identifier\"");
    BOOST_TEST(errors::no_such_variable("\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87") ==
               "ParseError \"\" \"no such variable \\\"\\\\1082\\\\1083\\\\1102\\\\1095\\\"\"");
}

BOOST_AUTO_TEST_CASE(haskell_show_corners) {
    BOOST_TEST(configurator::haskell_show("\x0E" "H") == "\"\\SO\\&H\"");
    BOOST_TEST(configurator::haskell_show("\xC3\xA9" "1") == "\"\\233\\&1\"");
    BOOST_TEST(configurator::haskell_show(std::string("\0\a\x7F", 3)) == "\"\\NUL\\a\\DEL\"");
}

BOOST_AUTO_TEST_CASE(io_errors) {
    BOOST_TEST(errors::open_failed("nope.cfg", ENOENT) == "nope.cfg: openFile: does not exist (No such file or directory)");
    BOOST_TEST(errors::open_failed("x", ENAMETOOLONG) == "x: openFile: invalid argument (File name too long)");
    BOOST_TEST(errors::open_failed("x", EACCES) == "x: openFile: permission denied (Permission denied)");
    BOOST_TEST(errors::is_a_directory("sub") == "sub: openFile: inappropriate type (is a directory)");
    BOOST_TEST(errors::invalid_byte_sequence("bin.cfg") ==
               "bin.cfg: hGetContents: invalid argument (invalid byte sequence)");
}

BOOST_AUTO_TEST_CASE(crash_texts) {
    BOOST_TEST(errors::type_error() ==
               "type error\nCallStack (from HasCallStack):\n  error, called at ./Data/Configurator.hs:312:28 in "
               "configurator-0.3.0.0-5y2qUCYVZxEEGrUj4y9CDW:Data.Configurator");
    BOOST_TEST(errors::empty_import() ==
               "Data.Text.Internal.Fusion.Common.head: Empty stream\nCallStack (from HasCallStack):\n  error, "
               "called at libraries/text/src/Data/Text/Internal/Fusion/Common.hs:944:24 in "
               "text-1.2.5.0:Data.Text.Internal.Fusion.Common");
}

BOOST_AUTO_TEST_CASE(our_own_texts) {
    BOOST_TEST(errors::import_cycle({"main.cfg", "a.cfg", "main.cfg"}) ==
               "main.cfg: import cycle: main.cfg -> a.cfg -> main.cfg");
    BOOST_TEST(errors::nesting_too_deep("main.cfg") == "main.cfg: groups and lists nested more than 1000 levels deep");
    BOOST_TEST(errors::number_too_large("main.cfg") ==
               "main.cfg: number with more than 4096 digits or an exponent beyond 4096 in magnitude");
}
