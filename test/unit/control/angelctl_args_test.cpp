// angelctl's command line: options before or after operands, one clear error each.
#include <boost/test/unit_test.hpp>

#include "angelctl/args.hpp"

namespace angelctl {
namespace {

Args ok(std::vector<std::string> argv) {
    auto parsed = parse_args(argv);
    BOOST_REQUIRE(std::holds_alternative<Args>(parsed));
    return std::get<Args>(parsed);
}

std::string error(std::vector<std::string> argv) {
    auto parsed = parse_args(argv);
    BOOST_REQUIRE(std::holds_alternative<UsageError>(parsed));
    return std::get<UsageError>(parsed).text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(angelctl_args)

BOOST_AUTO_TEST_CASE(commands_and_options) {
    Args a = ok({"status", "web", "--json", "-s", "/run/a.sock"});
    BOOST_TEST(a.command == "status");
    BOOST_TEST(a.operands == (std::vector<std::string>{"web"}), boost::test_tools::per_element());
    BOOST_TEST(a.json);
    BOOST_TEST(a.socket.value_or("") == "/run/a.sock");
    Args b = ok({"-c", "/etc/angel/angel.conf", "signal", "web", "USR1"});
    BOOST_TEST(b.config.value_or("") == "/etc/angel/angel.conf");
    BOOST_TEST(b.operands.size() == 2u);
    BOOST_TEST(ok({"check", "a.conf"}).operands[0] == "a.conf");
    BOOST_TEST(ok({"restart", "--", "-odd-name"}).operands[0] == "-odd-name");
    BOOST_TEST(std::holds_alternative<Help>(parse_args({"status", "--help"})));
}

BOOST_AUTO_TEST_CASE(usage_errors) {
    BOOST_TEST(error({}) == "no command (status, restart, stop, start, reload, signal, metrics, check)");
    BOOST_TEST(error({"halt"}) == "unknown command halt");
    BOOST_TEST(error({"stop"}) == "stop: name at least one program");
    BOOST_TEST(error({"start"}) == "start: name at least one program");
    BOOST_TEST(ok({"stop", "web", "db", "--timeout", "9"}).operands.size() == 2u);
    BOOST_TEST(ok({"start", "web"}).command == "start");
    BOOST_TEST(error({"metrics", "web"}) == "metrics takes no operand");
    BOOST_TEST(ok({"metrics"}).command == "metrics");
    BOOST_TEST(error({"status", "-x"}) == "unknown option -x");
    BOOST_TEST(error({"status", "-s"}) == "-s needs a value");
    BOOST_TEST(error({"-s", "a", "-c", "b", "status"}) == "give -s or -c, once");
    BOOST_TEST(error({"reload", "--json"}) == "--json is an option of status");
    BOOST_TEST(error({"restart"}) == "restart: name at least one program");
    BOOST_TEST(error({"reload", "web"}) == "reload takes no operand");
    BOOST_TEST(error({"signal", "USR1"}) == "signal: name programs and a signal (signal web USR1)");
    BOOST_TEST(error({"check"}) == "check: name one config file");
    BOOST_TEST(error({"-s", "x", "check", "a"}) == "check reads a file; -s and -c are for a running angel");
}

BOOST_AUTO_TEST_CASE(timeout_of_restart_and_reload) {
    BOOST_TEST(!ok({"restart", "web"}).timeout.has_value());  // waits as long as angel works
    BOOST_TEST(ok({"restart", "web", "--timeout", "2"}).timeout.value_or(0) == 2);
    BOOST_TEST(ok({"--timeout", "30", "reload"}).timeout.value_or(0) == 30);
    BOOST_TEST(ok({"restart", "--timeout", "5", "a", "b"}).operands.size() == 2u);
    BOOST_TEST(ok({"reload", "--timeout", "86400"}).timeout.value_or(0) == 86400);
    BOOST_TEST(error({"reload", "--timeout"}) == "--timeout needs a value");
    for (const char* bad : {"0", "-1", "1.5", "2s", "", "86401", "99999999999"}) {
        BOOST_TEST(error({"reload", "--timeout", bad}) ==
                   std::string("--timeout: a whole number of seconds from 1 to 86400, not ") + bad);
    }
    BOOST_TEST(error({"status", "--timeout", "2"}) == "--timeout is an option of restart, stop, start and reload");
    BOOST_TEST(error({"signal", "web", "USR1", "--timeout", "2"}) == "--timeout is an option of restart, stop, start and reload");
    BOOST_TEST(ok({"restart", "--", "--timeout"}).operands[0] == "--timeout");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angelctl
