// The control protocol: every malformed request is an error text (never a throw),
// and what one side renders the other side parses back.
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <string>

#include "supervisor/control/protocol.hpp"

namespace angel::control {
namespace {

std::string error_of(std::string_view line) {
    auto parsed = parse_request(line);
    BOOST_REQUIRE(std::holds_alternative<std::string>(parsed));
    return std::get<std::string>(parsed);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(protocol)

BOOST_AUTO_TEST_CASE(a_request_round_trips) {
    Request r{"signal", {"web", "worker-2"}, 10};
    auto parsed = parse_request(render_request(r));
    BOOST_REQUIRE(std::holds_alternative<Request>(parsed));
    const Request& back = std::get<Request>(parsed);
    BOOST_TEST(back.command == "signal");
    BOOST_TEST(back.ids == r.ids, boost::test_tools::per_element());
    BOOST_TEST(back.signal == 10);
    BOOST_TEST(render_request(Request{"status", {}, 0}) == "{\"angel\":1,\"command\":\"status\",\"ids\":[]}\n");
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_errors) {
    BOOST_TEST(error_of("").starts_with("malformed request: "));
    BOOST_TEST(error_of("\x01\xff garbage").starts_with("malformed request: "));
    BOOST_TEST(error_of("[1,2]") == "a request is a JSON object");
    BOOST_TEST(error_of(R"({"command":"status"})") == "no protocol version");
    BOOST_TEST(error_of(R"({"angel":2,"command":"status"})") ==
               "protocol version 2 is not spoken here (this angel speaks 1)");
    BOOST_TEST(error_of(R"({"angel":1})") == "no command");
    BOOST_TEST(error_of(R"({"angel":1,"command":"explode"})") == "unknown command explode");
    BOOST_TEST(error_of(R"({"angel":1,"command":"status","ids":"web"})") == "ids must be a list of strings");
    BOOST_TEST(error_of(R"({"angel":1,"command":"status","ids":[1]})") == "ids must be a list of strings");
    BOOST_TEST(error_of(R"({"angel":1,"command":"restart"})") == "restart: no program named");
    BOOST_TEST(error_of(R"({"angel":1,"command":"stop"})") == "stop: no program named");
    BOOST_TEST(error_of(R"({"angel":1,"command":"start","ids":[]})") == "start: no program named");
    BOOST_TEST(error_of(R"({"angel":1,"command":"signal","ids":["a"]})") == "signal: no signal");
    BOOST_TEST(error_of(R"({"angel":1,"command":"signal","ids":["a"],"signal":0})") == "signal: no signal 0");
    BOOST_TEST(error_of(std::string(100000, '[')).starts_with("malformed request: "));  // deep nesting
}

BOOST_AUTO_TEST_CASE(stop_and_start_requests_and_the_stopped_state_round_trip) {
    for (const char* command : {"stop", "start"}) {
        auto parsed = parse_request(render_request(Request{command, {"web", "db"}, 0}));
        BOOST_REQUIRE(std::holds_alternative<Request>(parsed));
        BOOST_TEST(std::get<Request>(parsed).command == command);
        BOOST_TEST(std::get<Request>(parsed).ids.size() == 2u);
    }
    InstanceStatus s;
    s.id = "db";
    s.state = RunState::stopped;
    auto reply = parse_reply(render_reply(Reply{true, {}, {s}}));
    BOOST_REQUIRE(std::holds_alternative<Reply>(reply));
    BOOST_TEST((std::get<Reply>(reply).instances.at(0).state == RunState::stopped));
    BOOST_TEST(render_status_json({s}).find("\"state\":\"stopped\"") != std::string::npos);
    BOOST_TEST(render_status_lines({s}).starts_with("db  stopped   -"));
    BOOST_TEST(!s.running());  // angelctl status exits 3, as `systemctl is-active` for a stopped unit
}

BOOST_AUTO_TEST_CASE(a_status_reply_round_trips) {
    InstanceStatus s;
    s.id = "web-1";
    s.state = RunState::running;
    s.pid = 42;
    s.uptime_seconds = 3725;
    s.restarts = 2;
    s.last_exit = "signal 15 (TERM)";
    s.ready = true;
    s.children = {{ChildRole::serving, 42, 3725, true}, {ChildRole::fresh, 50, 1, false}};
    auto parsed = parse_reply(render_reply(Reply{true, {}, {s}}));
    BOOST_REQUIRE(std::holds_alternative<Reply>(parsed));
    const Reply& r = std::get<Reply>(parsed);
    BOOST_TEST(r.ok);
    BOOST_REQUIRE(r.instances.size() == 1u);
    const InstanceStatus& b = r.instances[0];
    BOOST_TEST(b.id == "web-1");
    BOOST_TEST(b.pid == 42);
    BOOST_TEST(b.restarts == 2u);
    BOOST_TEST(b.last_exit == "signal 15 (TERM)");
    BOOST_TEST(b.children.size() == 2u);
    BOOST_TEST(b.children[1].ready.value_or(true) == false);
    const std::string lines = render_status_lines(r.instances);
    BOOST_TEST(lines.find("web-1  running   pid 42") == 0u, lines);
    BOOST_TEST(lines.find("up 1h2m") != std::string::npos, lines);
    BOOST_TEST(lines.find("last signal 15 (TERM)  ready") != std::string::npos, lines);
    BOOST_TEST(lines.find("new       pid 50  up 1s  not ready") != std::string::npos, lines);
}

// `after`: a program held before its first start, and what it waits for.
BOOST_AUTO_TEST_CASE(a_waiting_for_status_round_trips) {
    InstanceStatus s;
    s.id = "app";
    s.state = RunState::waiting;
    s.waiting_for = {"cache", "db"};
    const std::string json = render_status_json({s});
    BOOST_TEST(json.find("\"waiting_for\":[\"cache\",\"db\"]") != std::string::npos, json);
    auto parsed = parse_reply(render_reply(Reply{true, {}, {s}}));
    BOOST_REQUIRE(std::holds_alternative<Reply>(parsed));
    const Reply& r = std::get<Reply>(parsed);
    BOOST_REQUIRE(r.instances.size() == 1u);
    BOOST_TEST(r.instances[0].waiting_for == (std::vector<std::string>{"cache", "db"}));
    BOOST_TEST(render_status_lines(r.instances) == "app  waiting   -           waiting for cache, db  restarts 0\n");
    s.waiting_for.clear();
    BOOST_TEST(render_status_json({s}).find("waiting_for") == std::string::npos);  // only when it waits
}

BOOST_AUTO_TEST_CASE(an_error_reply_round_trips_and_bad_replies_are_errors) {
    auto parsed = parse_reply(render_reply(Reply{false, "no program nope", {}}));
    BOOST_TEST(!std::get<Reply>(parsed).ok);
    BOOST_TEST(std::get<Reply>(parsed).text == "no program nope");
    BOOST_TEST(std::holds_alternative<std::string>(parse_reply("")));
    BOOST_TEST(std::holds_alternative<std::string>(parse_reply("{\"angel\":1}")));
    BOOST_TEST(std::holds_alternative<std::string>(parse_reply("{\"angel\":1,\"ok\":true,\"instances\":[{}]}")));
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_reply_is_replaced_not_thrown) {
    const std::string text = render_reply(Reply{false, std::string("bad \xff byte"), {}});
    BOOST_TEST(text.find("bad \xef\xbf\xbd byte") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(signal_names) {
    BOOST_TEST(parse_signal_name("USR1") == SIGUSR1);
    BOOST_TEST(parse_signal_name("sigusr1") == SIGUSR1);
    BOOST_TEST(parse_signal_name("SIGHUP") == SIGHUP);
    BOOST_TEST(parse_signal_name("9") == 9);
    BOOST_TEST(parse_signal_name("0") == 0);
    BOOST_TEST(parse_signal_name("1000") == 0);
    BOOST_TEST(parse_signal_name("NOPE") == 0);
    BOOST_TEST(parse_signal_name("") == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::control
