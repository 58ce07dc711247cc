// The opt-in serve keys: listen addresses, readiness, numbers, their errors, and
// that a program without them has no ServeSpec (the original's behaviour).
#include <signal.h>

#include <string>
#include <utility>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/serve_keys.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::boolean;
using test::error_of;
using test::list;
using test::num;
using test::specs_of;
using test::str;

ListenAddress parsed(const std::string& text) {
    auto a = parse_listen_address(text);
    BOOST_REQUIRE(a.has_value());
    return *a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serve_keys)

BOOST_AUTO_TEST_CASE(a_program_without_them_is_not_served) {
    const ProgramSpec spec = specs_of({{"web.exec", str("x")}, {"web.unknown", num(1)}}).at("web");
    BOOST_TEST(!is_served(spec));
}

BOOST_AUTO_TEST_CASE(listen_address_forms) {
    BOOST_TEST((parsed("8080").kind == ListenAddress::Kind::any));
    BOOST_TEST(parsed("8080").port == 8080);
    const ListenAddress v4 = parsed("127.0.0.1:80");
    BOOST_TEST((v4.kind == ListenAddress::Kind::ipv4));
    BOOST_TEST(v4.host == "127.0.0.1");
    const ListenAddress v6 = parsed("[::1]:9000");
    BOOST_TEST((v6.kind == ListenAddress::Kind::ipv6));
    BOOST_TEST(v6.host == "::1");
    BOOST_TEST(v6.port == 9000);
    const ListenAddress path = parsed("/run/web.sock");
    BOOST_TEST((path.kind == ListenAddress::Kind::unix_path));
    BOOST_TEST(path.text == "/run/web.sock");
    for (const char* bad : {"", "0", "65536", "80x", "host:80", "::1:80", "[::1]", "[nope]:80", "1.2.3.4:",
                            "run/web.sock", ":80"}) {
        BOOST_TEST(!parse_listen_address(bad).has_value(), bad);
    }
    BOOST_TEST(!parse_listen_address("/" + std::string(107, 'a')).has_value());  // longer than sun_path
}

BOOST_AUTO_TEST_CASE(every_key_with_count) {
    const ProgramSpecs specs = specs_of({{"web.exec", str("srv")},
                                         {"web.count", num(2)},
                                         {"web.listen", list({str("8080"), str("/tmp/w.sock")})},
                                         {"web.socketmode", str("0660")},
                                         {"web.ready", str("fd:5")},
                                         {"web.readytimeout", num(30)},
                                         {"web.surge", num(2)},
                                         {"web.maxage", num(3600)},
                                         {"web.maxrss", num(512)}});
    BOOST_REQUIRE(specs.size() == 2);
    for (const char* id : {"web-1", "web-2"}) {
        const ProgramSpec& spec = specs.at(id);
        BOOST_REQUIRE(is_served(spec));
        const ServeSpec& s = *spec.serve;
        BOOST_TEST(s.group == "web");  // both instances belong to the block `web`
        BOOST_REQUIRE(s.listen.size() == 2);
        BOOST_TEST(s.listen[0].text == "8080");
        BOOST_TEST(s.listen[1].text == "/tmp/w.sock");
        BOOST_TEST(s.socketmode == 0660u);
        BOOST_TEST((s.ready == ReadySpec{ReadySpec::Kind::fd, 5}));
        BOOST_TEST(s.readytimeout == 30);
        BOOST_TEST(effective_surge(s) == 2);
        BOOST_TEST(*s.maxage == 3600);
        BOOST_TEST(*s.maxrss == 512);
    }
}

BOOST_AUTO_TEST_CASE(defaults_depend_on_listen_and_ready) {
    const ProgramSpecs specs = specs_of({{"a.exec", str("x")}, {"a.listen", str("80")},
                                         {"b.exec", str("x")}, {"b.ready", str("notify")},
                                         {"c.exec", str("x")}, {"c.maxage", num(60)},
                                         {"d.exec", str("x")}, {"d.surge", num(1)},
                                         {"e.exec", str("x")}, {"e.listen", str("81")}, {"e.surge", num(0)},
                                         {"f.exec", str("x")}, {"f.ready", num(0)}});
    const auto serve = [&](const char* id) { return *specs.at(id).serve; };
    BOOST_TEST(serve("a").group == "a");
    BOOST_TEST(serve("a").readytimeout == kDefaultReadyTimeout);
    BOOST_TEST(serve("a").socketmode == kDefaultSocketMode);
    BOOST_TEST(effective_surge(serve("a")) == 1);
    BOOST_TEST((effective_ready(serve("a")) == ReadySpec{ReadySpec::Kind::seconds, 1}));
    BOOST_TEST(effective_surge(serve("b")) == 1);
    BOOST_TEST((effective_ready(serve("b")) == ReadySpec{ReadySpec::Kind::notify, 0}));
    BOOST_TEST(effective_surge(serve("c")) == 0);  // maxage alone: the original's order, ready at once
    BOOST_TEST((effective_ready(serve("c")) == ReadySpec{ReadySpec::Kind::seconds, 0}));
    BOOST_TEST((effective_ready(serve("d")) == ReadySpec{ReadySpec::Kind::seconds, 1}));
    BOOST_TEST(effective_surge(serve("e")) == 0);
    BOOST_TEST(effective_surge(serve("f")) == 1);
    BOOST_TEST((effective_ready(serve("f")) == ReadySpec{ReadySpec::Kind::seconds, 0}));
}

BOOST_AUTO_TEST_CASE(a_changed_serve_key_changes_the_spec) {
    const ProgramSpec a = specs_of({{"w.exec", str("x")}, {"w.listen", str("80")}}).at("w");
    const ProgramSpec b = specs_of({{"w.exec", str("x")}, {"w.listen", str("81")}}).at("w");
    const ProgramSpec c = specs_of({{"w.exec", str("x")}, {"w.listen", str("80")}}).at("w");
    BOOST_TEST((a != b));
    BOOST_TEST((a == c));
}

BOOST_AUTO_TEST_CASE(bad_values_are_one_line_each) {
    const auto err = [](const char* key, configurator::Value v) {
        return error_of({{"web.exec", str("x")}, {std::string("web.") + key, std::move(v)}});
    };
    BOOST_TEST(err("listen", num(80)) == "web: 'listen' must be a string or a non-empty list of strings");
    BOOST_TEST(err("listen", list()) == "web: 'listen' must be a string or a non-empty list of strings");
    BOOST_TEST(err("listen", list({str("80"), num(1)})) ==
               "web: 'listen' must be a string or a non-empty list of strings");
    BOOST_TEST(err("listen", str("host:80")) ==
               "web: 'listen' has \"host:80\": not PORT, IPV4:PORT, [IPV6]:PORT or an absolute socket path");
    BOOST_TEST(err("listen", list({str("80"), str("80")})) == "web: 'listen' lists \"80\" twice");
    BOOST_TEST(err("socketmode", str("0999")) == "web: 'socketmode' must be an octal mode in a string, such as \"0660\"");
    BOOST_TEST(err("socketmode", num(660)) == "web: 'socketmode' must be an octal mode in a string, such as \"0660\"");
    const std::string ready_text =
        "web: 'ready' must be \"notify\", \"fd:N\" (N at least 3, not a listen descriptor) or a number of seconds";
    BOOST_TEST(err("ready", str("fd:2")) == ready_text);
    BOOST_TEST(err("ready", str("fd:x")) == ready_text);
    BOOST_TEST(err("ready", str("systemd")) == ready_text);
    BOOST_TEST(err("ready", boolean(true)) == ready_text);
    BOOST_TEST(err("ready", num(-1)) == "web: 'ready' must be a number, 0 or more");
    BOOST_TEST(err("readytimeout", num(0)) == "web: 'readytimeout' must be a number, 1 or more");
    BOOST_TEST(err("surge", str("1")) == "web: 'surge' must be a number, 0 or more");
    BOOST_TEST(err("maxage", num(-5)) == "web: 'maxage' must be a number, 1 or more");
    BOOST_TEST(err("maxrss", num(0)) == "web: 'maxrss' must be a number, 1 or more");
}

BOOST_AUTO_TEST_CASE(notifyaccess_main_or_all) {
    const auto spec = [](const char* value) {
        return specs_of({{"w.exec", str("x")}, {"w.ready", str("notify")}, {"w.notifyaccess", str(value)}}).at("w");
    };
    BOOST_TEST(!spec("main").serve->notify_all);
    BOOST_TEST(spec("all").serve->notify_all);
    BOOST_TEST(!specs_of({{"w.exec", str("x")}, {"w.ready", str("notify")}}).at("w").serve->notify_all);  // main
    BOOST_TEST((spec("main") != spec("all")));  // a change of it is a new spec (a rollout)
    const auto err = [](configurator::Value v) {
        return error_of({{"w.exec", str("x")}, {"w.ready", str("notify")}, {"w.notifyaccess", std::move(v)}});
    };
    BOOST_TEST(err(str("exec")) == "w: 'notifyaccess' must be \"main\" or \"all\"");
    BOOST_TEST(err(str("All")) == "w: 'notifyaccess' must be \"main\" or \"all\"");
    BOOST_TEST(err(str("")) == "w: 'notifyaccess' must be \"main\" or \"all\"");
    BOOST_TEST(err(boolean(true)) == "w: 'notifyaccess' must be \"main\" or \"all\"");
    BOOST_TEST(err(num(1)) == "w: 'notifyaccess' must be \"main\" or \"all\"");
    // Only a notify socket has senders to check.
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.notifyaccess", str("all")}}) ==
               "w: 'notifyaccess' needs ready = \"notify\"");
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.ready", str("fd:3")}, {"w.notifyaccess", str("main")}}) ==
               "w: 'notifyaccess' needs ready = \"notify\"");
}

BOOST_AUTO_TEST_CASE(a_ready_fd_may_not_be_a_listen_fd) {
    const std::string e = error_of({{"w.exec", str("x")}, {"w.listen", list({str("80"), str("81")})},
                                    {"w.ready", str("fd:4")}});
    BOOST_TEST(e.starts_with("w: 'ready' must be"));
    BOOST_TEST(is_served(specs_of({{"w.exec", str("x")}, {"w.listen", list({str("80"), str("81")})},
                                   {"w.ready", str("fd:5")}})
                             .at("w")));
}

BOOST_AUTO_TEST_CASE(the_originals_errors_come_first) {
    // The original ignores serve keys, so a config it rejects fails with its error.
    const std::string e = error_of({{"w.listen", str("nonsense")}, {"v.exec", str("x")}});
    BOOST_TEST(e.starts_with("w does not have an 'exec' specification"));
}

BOOST_AUTO_TEST_CASE(two_blocks_may_not_share_an_address) {
    BOOST_TEST(error_of({{"a.exec", str("x")}, {"a.listen", str("80")}, {"b.exec", str("x")},
                         {"b.listen", list({str("81"), str("80")})}}) ==
               "a and b both listen on \"80\": an address belongs to one program");
    // The instances of one block share theirs.
    BOOST_TEST(specs_of({{"a.exec", str("x")}, {"a.listen", str("80")}, {"a.count", num(3)}}).size() == 3);
}

BOOST_AUTO_TEST_CASE(operating_keys) {
    const ProgramSpec spec = specs_of({{"w.exec", str("x")}, {"w.killgroup", boolean(true)}, {"w.maxdelay", num(60)}}).at("w");
    BOOST_TEST(spec.killgroup);
    BOOST_TEST(*spec.maxdelay == 60);
    BOOST_TEST(!is_served(spec));  // not a served program: they work for every program
    const ProgramSpec plain = specs_of({{"w.exec", str("x")}}).at("w");
    BOOST_TEST(!plain.killgroup);
    BOOST_TEST(!plain.maxdelay);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.killgroup", str("yes")}}) == "w: 'killgroup' must be on or off");
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.maxdelay", num(0)}}) == "w: 'maxdelay' must be a number, 1 or more");
}

BOOST_AUTO_TEST_CASE(stopsignal_names) {
    BOOST_TEST(specs_of({{"w.exec", str("x")}}).at("w").stopsignal == SIGTERM);  // the original's
    const std::pair<const char*, int> names[] = {{"TERM", SIGTERM}, {"QUIT", SIGQUIT}, {"INT", SIGINT},
                                                 {"HUP", SIGHUP},   {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
                                                 {"WINCH", SIGWINCH}};
    for (const auto& [name, sig] : names) {
        const ProgramSpec spec = specs_of({{"w.exec", str("x")}, {"w.stopsignal", str(name)}}).at("w");
        BOOST_TEST(spec.stopsignal == sig, name);
    }
}

BOOST_AUTO_TEST_CASE(stopsignal_errors) {
    const std::string error =
        "w: 'stopsignal' must be \"TERM\", \"QUIT\", \"INT\", \"HUP\", \"USR1\", \"USR2\" or \"WINCH\"";
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.stopsignal", str("KILL")}}) == error);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.stopsignal", str("SIGTERM")}}) == error);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.stopsignal", str("term")}}) == error);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.stopsignal", num(3)}}) == error);
}

BOOST_AUTO_TEST_CASE(critical_is_on_or_off_and_not_for_served_programs) {
    BOOST_TEST(!specs_of({{"w.exec", str("x")}}).at("w").critical);
    BOOST_TEST(specs_of({{"w.exec", str("x")}, {"w.critical", boolean(true)}}).at("w").critical);
    BOOST_TEST(!specs_of({{"w.exec", str("x")}, {"w.critical", boolean(false)}}).at("w").critical);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.critical", str("yes")}}) == "w: 'critical' must be on or off");
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.listen", str("8080")}, {"w.critical", boolean(true)}}) ==
               "w: 'critical' is for programs without serve keys");
}

BOOST_AUTO_TEST_CASE(after_is_a_name_or_a_list_kept_sorted_once_each) {
    BOOST_TEST(specs_of({{"w.exec", str("x")}}).at("w").after.empty());
    BOOST_TEST(specs_of({{"w.exec", str("x")}, {"w.after", str("db")}}).at("w").after == std::vector<std::string>{"db"});
    BOOST_TEST(specs_of({{"w.exec", str("x")}, {"w.after", list({str("q"), str("db"), str("q")})}}).at("w").after ==
               (std::vector<std::string>{"db", "q"}));
    const std::string error = "w: 'after' must be a program id or a non-empty list of them";
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.after", list()}}) == error);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.after", str("")}}) == error);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.after", num(1)}}) == error);
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.after", list({str("db"), num(1)})}}) == error);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
