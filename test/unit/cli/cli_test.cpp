// The command line: every case of spec section 1, whole texts.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include "supervisor/text/cli.hpp"

namespace {

using angel::parse_command_line;

const std::string kUsage = "Usage: angel CONFIG_FILE [-u USER] [-v VERBOSITY]\n";

/// The stderr text of a usage error, or "" when the parse did not fail.
std::string error_of(const std::vector<std::string>& args) {
    auto parsed = parse_command_line(args, "angel");
    auto* error = std::get_if<angel::UsageError>(&parsed);
    return error ? error->text : "";
}

angel::Options options_of(const std::vector<std::string>& args) {
    auto parsed = parse_command_line(args, "angel");
    BOOST_REQUIRE(std::holds_alternative<angel::Options>(parsed));
    return std::get<angel::Options>(parsed);
}

bool is_help(const std::vector<std::string>& args) {
    return std::holds_alternative<angel::HelpRequested>(parse_command_line(args, "angel"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_config_and_defaults) {
    auto o = options_of({"a.conf"});
    BOOST_TEST(o.config_file == "a.conf");
    BOOST_TEST(!o.user.has_value());
    BOOST_TEST(o.verbosity == 2);
}

BOOST_AUTO_TEST_CASE(options_before_and_after_and_attached) {
    auto o = options_of({"-v1", "a.conf", "-uroot"});
    BOOST_TEST(o.verbosity == 1);
    BOOST_TEST(*o.user == "root");
    o = options_of({"-u=x", "a.conf", "-v", "0"});
    BOOST_TEST(*o.user == "=x");
    BOOST_TEST(o.verbosity == 0);
    o = options_of({"-u", "", "a.conf"});
    BOOST_TEST(*o.user == "");
}

BOOST_AUTO_TEST_CASE(double_dash_and_lone_dash) {
    BOOST_TEST(options_of({"--", "-a"}).config_file == "-a");
    BOOST_TEST(options_of({"-"}).config_file == "-");
    BOOST_TEST(error_of({"a.conf", "-"}) == "Invalid option `-'\n\n" + kUsage);
}

BOOST_AUTO_TEST_CASE(help_wins_before_the_first_error) {
    BOOST_TEST(is_help({"-h"}));
    BOOST_TEST(is_help({"a.conf", "--help"}));
    BOOST_TEST(is_help({"--help=x"}));
    BOOST_TEST(is_help({"-hv"}));
    BOOST_TEST(error_of({"-v", "3", "-h"}) == "option -v: Expecting 0-2\n\n" + kUsage);
}

BOOST_AUTO_TEST_CASE(error_texts) {
    BOOST_TEST(error_of({}) == "Missing: CONFIG_FILE\n\n" + kUsage);
    BOOST_TEST(error_of({"-v", "3", "a.conf"}) == "option -v: Expecting 0-2\n\n" + kUsage);
    BOOST_TEST(error_of({"a.conf", "-v", "2 "}) == "option -v: Expecting 0-2\n\n" + kUsage);
    BOOST_TEST(error_of({"-vv", "a.conf"}) == "option -v: Expecting 0-2\n\n" + kUsage);
    BOOST_TEST(error_of({"a.conf", "-v"}) == "The option `-v` expects an argument.\n\n" + kUsage);
    BOOST_TEST(error_of({"a.conf", "-u"}) == "The option `-u` expects an argument.\n\n" + kUsage);
    BOOST_TEST(error_of({"a.conf", "b.conf"}) == "Invalid argument `b.conf'\n\n" + kUsage);
    BOOST_TEST(error_of({"a.conf", "-x"}) == "Invalid option `-x'\n\n" + kUsage);
}

BOOST_AUTO_TEST_CASE(suggestions_before_config_file) {
    BOOST_TEST(error_of({"-x", "a.conf"}) ==
               "Invalid option `-x'\n\nDid you mean one of these?\n    -h\n    -u\n    -v\n\n" + kUsage);
    BOOST_TEST(error_of({"--hel"}) == "Invalid option `--hel'\n\nDid you mean this?\n    --help\n\n" + kUsage);
    BOOST_TEST(error_of({"--hepl"}) == "Invalid option `--hepl'\n\nDid you mean this?\n    --help\n\n" + kUsage);
    BOOST_TEST(error_of({"--helpx"}) == "Invalid option `--helpx'\n\nDid you mean this?\n    --help\n\n" + kUsage);
    BOOST_TEST(error_of({"--he"}) ==
               "Invalid option `--he'\n\nDid you mean one of these?\n    -h\n    --help\n\n" + kUsage);
    BOOST_TEST(error_of({"--v"}) ==
               "Invalid option `--v'\n\nDid you mean one of these?\n    -h\n    -u\n    -v\n\n" + kUsage);
    BOOST_TEST(error_of({"-U"}) ==
               "Invalid option `-U'\n\nDid you mean one of these?\n    -h\n    -u\n    -v\n\n" + kUsage);
    BOOST_TEST(error_of({"-v", "1", "-v", "2", "a"}) ==
               "Invalid option `-v'\n\nDid you mean one of these?\n    -h\n    -u\n\n" + kUsage);
    BOOST_TEST(error_of({"--foo"}) == "Invalid option `--foo'\n\n" + kUsage);
    BOOST_TEST(error_of({"--version"}) == "Invalid option `--version'\n\n" + kUsage);
}

BOOST_AUTO_TEST_CASE(help_text_and_program_name) {
    BOOST_TEST(angel::help_text("my-angel") ==
               "angel - Process management and supervision daemon\n\n"
               "Usage: my-angel CONFIG_FILE [-u USER] [-v VERBOSITY]\n\n"
               "Available options:\n"
               "  -h,--help                Show this help text\n"
               "  -u USER                  Execute as user\n"
               "  -v VERBOSITY             Verbosity from 0-2 (default: 2)\n");
    auto parsed = parse_command_line({}, "my-angel");
    BOOST_TEST(std::get<angel::UsageError>(parsed).text ==
               "Missing: CONFIG_FILE\n\nUsage: my-angel CONFIG_FILE [-u USER] [-v VERBOSITY]\n");
}

BOOST_AUTO_TEST_CASE(usage_line_wraps_for_long_program_names) {
    auto usage_of = [](const std::string& prog) {
        auto text = std::get<angel::UsageError>(parse_command_line({}, prog)).text;
        return text.substr(text.find("Usage: "));
    };
    const std::string name36(36, 'a'), name37(37, 'b'), name52(52, 'c');
    BOOST_TEST(usage_of(name36) == "Usage: " + name36 + " CONFIG_FILE [-u USER] [-v VERBOSITY]\n");
    BOOST_TEST(usage_of(name37) == "Usage: " + name37 + " CONFIG_FILE [-u USER] \n" + std::string(45, ' ') +
                                       "[-v VERBOSITY]\n");
    BOOST_TEST(usage_of(name52) == "Usage: " + name52 + " CONFIG_FILE \n" + std::string(60, ' ') + "[-u USER] \n" +
                                       std::string(60, ' ') + "[-v VERBOSITY]\n");
}
