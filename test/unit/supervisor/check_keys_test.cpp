// The opt-in `check` keys: the three probe forms, the timings and their defaults,
// one error line per bad value, and no check without the key (the original's).
#include <string>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/check_keys.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::error_of;
using test::num;
using test::specs_of;
using test::str;

const std::string kFormsError = "w: 'check' " + std::string(kCheckForms);

}  // namespace

BOOST_AUTO_TEST_SUITE(check_keys)

BOOST_AUTO_TEST_CASE(no_key_no_check) {
    BOOST_TEST(!specs_of({{"w.exec", str("x")}}).at("w").check.has_value());
}

BOOST_AUTO_TEST_CASE(http_form) {
    const auto c = check_of("http://127.0.0.1:8080/health?x=1");
    BOOST_REQUIRE(c.has_value());
    BOOST_TEST((c->kind == CheckSpec::Kind::http));
    BOOST_TEST(c->host == "127.0.0.1");
    BOOST_TEST(c->port == 8080);
    BOOST_TEST(c->target == "/health?x=1");
    BOOST_TEST(check_of("http://localhost:80")->target == "/");
    BOOST_TEST(check_of("http://localhost:80")->host == "127.0.0.1");
    BOOST_TEST(check_of("http://[::1]:81/")->host == "::1");
}

BOOST_AUTO_TEST_CASE(tcp_and_exec_forms) {
    const auto t = check_of("tcp:10.0.0.1:5432");
    BOOST_REQUIRE(t.has_value());
    BOOST_TEST((t->kind == CheckSpec::Kind::tcp));
    BOOST_TEST(t->port == 5432);
    const auto e = check_of("exec:/usr/bin/probe --quick");
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST((e->kind == CheckSpec::Kind::exec));
    BOOST_TEST(e->target == "/usr/bin/probe --quick");
}

BOOST_AUTO_TEST_CASE(bad_forms) {
    for (const char* bad : {"", "http://", "http://host.example:80/", "http://127.0.0.1/", "http://127.0.0.1:0/",
                            "http://127.0.0.1:65536/", "http://127.0.0.1:80/a b", "tcp:127.0.0.1", "tcp:1.2.3:80",
                            "tcp::80", "tcp:[::1]", "exec:", "exec:   ", "https://127.0.0.1:443/", "udp:1.2.3.4:5"}) {
        BOOST_TEST(!check_of(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(timings_and_defaults) {
    const ProgramSpec plain = specs_of({{"w.exec", str("x")}, {"w.check", str("tcp:127.0.0.1:1")}}).at("w");
    BOOST_REQUIRE(plain.check.has_value());
    BOOST_TEST(plain.check->every == 10);
    BOOST_TEST(plain.check->timeout == 2);
    BOOST_TEST(plain.check->fails == 3);
    const ProgramSpec set = specs_of({{"w.exec", str("x")},
                                      {"w.check", str("tcp:127.0.0.1:1")},
                                      {"w.checkevery", num(1)},
                                      {"w.checktimeout", num(5)},
                                      {"w.checkfails", num(2)}})
                                .at("w");
    BOOST_TEST(set.check->every == 1);
    BOOST_TEST(set.check->timeout == 5);
    BOOST_TEST(set.check->fails == 2);
}

BOOST_AUTO_TEST_CASE(errors_are_one_line) {
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.check", str("ping")}}) == kFormsError);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.check", num(3)}}) == kFormsError);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.check", str("tcp:127.0.0.1:1")}, {"w.checkevery", num(0)}}) ==
               "w: 'checkevery' must be a number, 1 or more");
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.check", str("tcp:127.0.0.1:1")}, {"w.checkfails", str("3")}}) ==
               "w: 'checkfails' must be a number, 1 or more");
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.checktimeout", num(2)}}) == "w: 'checktimeout' needs a 'check'");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel

namespace angel {

BOOST_AUTO_TEST_SUITE(watchdog_key)

BOOST_AUTO_TEST_CASE(only_with_ready_notify) {
    using test::error_of;
    using test::num;
    using test::specs_of;
    using test::str;
    const ProgramSpec spec = specs_of({{"w.exec", str("x")}, {"w.listen", str("8080")}, {"w.ready", str("notify")},
                                       {"w.watchdog", num(5)}})
                                 .at("w");
    BOOST_TEST(spec.watchdog.value_or(0) == 5);
    BOOST_TEST(!specs_of({{"w.exec", str("x")}}).at("w").watchdog.has_value());
    const std::string needs = "w: 'watchdog' needs ready = \"notify\"";
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.watchdog", num(5)}}) == needs);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.listen", str("8080")}, {"w.ready", num(1)}, {"w.watchdog", num(5)}}) ==
               needs);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.listen", str("8080")}, {"w.ready", str("notify")},
                         {"w.watchdog", num(0)}}) == "w: 'watchdog' must be a number, 1 or more");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
