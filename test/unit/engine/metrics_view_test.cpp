// What metrics read of the engine, on the fake clock: config loads counted by result
// (with the last success's time), an id's program block, and a served block's
// rollouts (done, failed tries, in progress).
#include <boost/test/unit_test.hpp>

#include "fake_world.hpp"

namespace angel::test {
namespace {

ProgramSpec web(int k, const std::string& exec) {
    ProgramSpec s = program("web-" + std::to_string(k), exec);
    s.env = {{"ANGEL_PROCESS_NUMBER", std::to_string(k)}};
    ServeSpec serve;
    serve.group = "web";
    serve.listen = {*parse_listen_address("8080")};
    serve.ready = ReadySpec{ReadySpec::Kind::notify, 0};
    s.serve = serve;
    return s;
}

void all_say_ready(FakeWorld& w) {
    std::vector<pid_t> pids;
    for (const auto& [pid, p] : w.live) pids.push_back(pid);
    for (pid_t pid : pids) w.say(pid, ReadyMessage::Kind::ready);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics_view)

BOOST_AUTO_TEST_CASE(loads_are_counted_by_result_and_observed) {
    Rig rig(specs({program("a")}));
    int observed = 0;
    rig.engine.set_load_observer([&] { ++observed; });
    rig.engine.start();
    BOOST_TEST(rig.engine.counters().loads_ok == 1u);
    BOOST_TEST(observed == 1);
    const Clock::time_point first = rig.engine.counters().last_load_success.value();
    rig.world.advance_seconds(2);
    rig.reload(std::string("parse error"));
    BOOST_TEST(rig.engine.counters().loads_error == 1u);
    BOOST_TEST(!rig.engine.counters().last_load_ok);
    BOOST_TEST((rig.engine.counters().last_load_success.value() == first));
    BOOST_TEST(observed == 2);
    rig.reload(specs({program("a")}));
    BOOST_TEST(rig.engine.counters().loads_ok == 2u);
    BOOST_TEST(rig.engine.counters().last_load_ok);
    BOOST_TEST((rig.engine.counters().last_load_success.value() > first));
    BOOST_TEST(observed == 3);
}

BOOST_AUTO_TEST_CASE(the_block_of_an_id) {
    ProgramSpec w2 = program("worker-2");
    w2.env = {{"ANGEL_PROCESS_NUMBER", "2"}};
    Rig rig(specs({program("a-1"), w2, web(1, "srv 1")}));
    rig.engine.start();
    BOOST_TEST(rig.engine.block_of("a-1") == "a-1");  // no count: its own block
    BOOST_TEST(rig.engine.block_of("worker-2") == "worker");
    BOOST_TEST(rig.engine.block_of("web-1") == "web");
    BOOST_TEST(rig.engine.block_of("gone") == "gone");
}

BOOST_AUTO_TEST_CASE(rollouts_done_failed_and_in_progress) {
    Rig rig(specs({web(1, "srv 1")}));
    rig.engine.start();
    all_say_ready(rig.world);
    BOOST_TEST(rig.engine.served_blocks().at("web") == false);
    rig.reload(specs({web(1, "broken")}));
    BOOST_TEST(rig.engine.served_blocks().at("web") == true);
    for (const auto& [pid, p] : std::map(rig.world.live)) {
        if (p.argv.at(0) == "broken") rig.world.exit_now(pid);
    }
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.counters().rollouts.at("web").failed == 1u);
    rig.reload(specs({web(1, "srv 2")}));
    all_say_ready(rig.world);
    rig.world.advance_seconds(1);
    BOOST_TEST(rig.engine.counters().rollouts.at("web").done == 1u);
    BOOST_TEST(rig.engine.served_blocks().at("web") == false);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel::test
