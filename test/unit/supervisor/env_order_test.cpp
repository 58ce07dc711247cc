// Hash of Text and hash-map iteration order: every vector of spec 11.3 and 11.4.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/env_order.hpp"
#include "supervisor/spec/show_env.hpp"
#include "supervisor/spec/split_command.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::num;
using test::specs_of;
using test::str;

const std::vector<std::pair<std::string, std::uint64_t>> kHashVectors = {
    {"", 0xaf63bd4c8601b7dfULL},
    {"a", 0xd949cd186c0c84a1ULL},
    {"b", 0xd949ca186c0c7f88ULL},
    {"FOO", 0xd19b2a869a31664eULL},
    {"BAZ", 0x0274ca32d25d647fULL},
    {"PATH", 0xf5571cc560b02decULL},
    {"HOME", 0xd8cd9d84959c195aULL},
    {"LANG", 0xcfc8ca5b55fc5637ULL},
    {"ANGEL_PROCESS_NUMBER", 0xaad63bf5b94ecbc8ULL},
    {"web.env.PORT", 0xdca830856e83caefULL},
    {"web.env.HOST", 0xc7bf9df6eb01460cULL},
    {"worker-1.env.ANGEL_PROCESS_NUMBER", 0x75869efbe6742094ULL},
    {"worker-2.env.ANGEL_PROCESS_NUMBER", 0xfe1f13fe94eeb415ULL},
    {"e2.env.FOO", 0xa8f3d5ff4927eb21ULL},
    {"e2.env.BAZ", 0xbaea43a6e7d55bfcULL},
    {"db.env.A", 0x281ee787cf93c8f5ULL},
    {"db.env.H", 0x281eee87cf93d4daULL},
    {"p.exec", 0xb82a53ab048dd082ULL},
    {"p.delay", 0x82b1ea73603def89ULL},
    {"user", 0x6750708ea9adf868ULL},
    {"a-1.env.X_Y", 0xe4aeb617fcd77d96ULL},
    {"caf\u00e9", 0x79c423023308d1b4ULL},
    {"x.env.\u00c9", 0x85d193d6fcc30cdcULL},
    {"\u65e5\u672c", 0x65841ac7c444ea48ULL},
    {"emoji\U0001F600", 0x48bd6722c137dfc5ULL},
    {"app.env.LEVEL", 0x783a8d3e996c4d04ULL},
    {"app.env.LOGDIR", 0x7c81316cbbfc1ec4ULL},
    {"app.env.HOST", 0x1edf2fe7c007b5cfULL},
};

/// The line the event loop logs before spawning `id`.
std::string spawning_line(const ProgramSpecs& specs, const std::string& id) {
    const ProgramSpec& spec = specs.at(id);
    return "{- program: " + id + " -} Spawning process: " + split_command(spec.exec).front() +
           " with env " + show_env(spec.env);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(env_order)

BOOST_AUTO_TEST_CASE(hash_vectors) {
    for (const auto& [key, hash] : kHashVectors) {
        BOOST_TEST_CONTEXT("key " << key) { BOOST_TEST(text_hash(key) == hash); }
    }
}

BOOST_AUTO_TEST_CASE(salt_times_prime) {
    // h of the empty text is S * P mod 2^64 XOR 0.
    BOOST_TEST(text_hash("") == 0xAF63BD4C8601B7DFULL);
}

BOOST_AUTO_TEST_CASE(trie_rank_orders_low_chunks_first) {
    BOOST_TEST(trie_rank(1) > trie_rank(2ULL << 5));           // c0 decides first
    BOOST_TEST(trie_rank(0) < trie_rank(1ULL << 60));          // c12 decides last
    BOOST_TEST(trie_rank(31) == 31ULL << 59);                  // c0 sits on top
    BOOST_TEST(trie_rank(0xFFFFFFFFFFFFFFFFULL) == 0xFFFFFFFFFFFFFFFFULL);
}

BOOST_AUTO_TEST_CASE(iteration_order_of_the_24_keys) {
    std::vector<std::string> keys;
    for (const auto& [key, hash] : kHashVectors) {
        if (!key.empty() && key.rfind("app.", 0) != 0) keys.push_back(key);
    }
    BOOST_TEST_REQUIRE(keys.size() == 24U);
    sort_in_hash_map_order(keys);
    const std::vector<std::string> expected = {
        "a",        "e2.env.FOO", "p.exec",       "emoji\U0001F600",
        "user",     "\u65e5\u672c", "b",          "ANGEL_PROCESS_NUMBER",
        "p.delay",  "PATH",       "web.env.HOST", "FOO",
        "web.env.PORT", "worker-1.env.ANGEL_PROCESS_NUMBER", "caf\u00e9",
        "worker-2.env.ANGEL_PROCESS_NUMBER", "db.env.A", "a-1.env.X_Y",
        "LANG",     "db.env.H",   "HOME",         "x.env.\u00c9",
        "e2.env.BAZ", "BAZ"};
    BOOST_TEST(keys == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(worked_tie) {
    std::vector<std::string> keys = {"app.env.HOST", "app.env.LOGDIR", "app.env.LEVEL"};
    sort_in_hash_map_order(keys);
    BOOST_TEST(keys == (std::vector<std::string>{"app.env.LEVEL", "app.env.LOGDIR", "app.env.HOST"}),
               boost::test_tools::per_element());
    const auto env = logged_env_order("app", {{"LEVEL", "1"}, {"LOGDIR", "2"}, {"HOST", "3"}});
    BOOST_TEST(show_env(env) == R"([("HOST","3"),("LOGDIR","2"),("LEVEL","1")])");
}

BOOST_AUTO_TEST_CASE(example_two_variables) {
    const auto specs = specs_of({{"e2.exec", str("env")},
                                 {"e2.env.FOO", str("bar")},
                                 {"e2.env.BAZ", str("qux")}});
    BOOST_TEST(spawning_line(specs, "e2") ==
               R"({- program: e2 -} Spawning process: env with env [("BAZ","qux"),("FOO","bar")])");
}

BOOST_AUTO_TEST_CASE(example_five_variables) {
    const auto specs = specs_of({{"web.exec", str("/usr/bin/env")},
                                 {"web.env.PORT", str("8080")},
                                 {"web.env.HOST", str("0.0.0.0")},
                                 {"web.env.DEBUG", str("false")},
                                 {"web.env.LANG", str("C.UTF-8")},
                                 {"web.env.PATH", str("/usr/local/bin:/usr/bin:/bin")}});
    BOOST_TEST(spawning_line(specs, "web") ==
               "{- program: web -} Spawning process: /usr/bin/env with env "
               R"([("PORT","8080"),("HOST","0.0.0.0"),("LANG","C.UTF-8"),("DEBUG","false"),)"
               R"(("PATH","/usr/local/bin:/usr/bin:/bin")])");
}

BOOST_AUTO_TEST_CASE(example_count) {
    const auto specs = specs_of({{"worker.exec", str("true")},
                                 {"worker.count", num(2)},
                                 {"worker.env.QUEUE", str("default")},
                                 {"worker.env.REDIS_URL", str("redis://localhost:6379/0")},
                                 {"worker.env.ANGEL_PROCESS_NUMBER", str("ignored")}});
    BOOST_TEST(specs.size() == 2U);
    BOOST_TEST(spawning_line(specs, "worker-1") ==
               "{- program: worker-1 -} Spawning process: true with env "
               R"([("ANGEL_PROCESS_NUMBER","1"),("QUEUE","default"),)"
               R"(("REDIS_URL","redis://localhost:6379/0")])");
    BOOST_TEST(spawning_line(specs, "worker-2") ==
               "{- program: worker-2 -} Spawning process: true with env "
               R"([("ANGEL_PROCESS_NUMBER","2"),("REDIS_URL","redis://localhost:6379/0"),)"
               R"(("QUEUE","default")])");
}

BOOST_AUTO_TEST_CASE(example_eight_letters) {
    configurator::Map map = {{"db.exec", str("true")}};
    for (char c = 'A'; c <= 'H'; ++c) {
        map.emplace(std::string("db.env.") + c, str(std::to_string(c - 'A' + 1)));
    }
    BOOST_TEST(spawning_line(specs_of(map), "db") ==
               "{- program: db -} Spawning process: true with env "
               R"([("B","2"),("H","8"),("D","4"),("A","1"),("F","6"),("C","3"),("E","5"),("G","7")])");
}

BOOST_AUTO_TEST_CASE(example_mixed_names_and_nested_group) {
    const auto specs = specs_of({{"mixed.exec", str("true")},
                                 {"mixed.env.home", str("~/x")},
                                 {"mixed.env.Path_2", str("a b  c")},
                                 {"mixed.env.x-y", str("dash-key")},
                                 {"mixed.env.nested.inner", str("v")}});
    BOOST_TEST(spawning_line(specs, "mixed") ==
               "{- program: mixed -} Spawning process: true with env "
               R"([("Path_2","a b  c"),("x-y","dash-key"),("home","~/x"),("nested.inner","v")])");
}

BOOST_AUTO_TEST_CASE(reference_scenario_env_ordering) {
    // shared/reference/scenarios/env-ordering
    const auto specs = specs_of({{"ordered.exec", str("/usr/bin/env")},
                                 {"ordered.stdout", str("env.out")},
                                 {"ordered.delay", num(30)},
                                 {"ordered.env.ZED", str("1")},
                                 {"ordered.env.alpha", str("2")},
                                 {"ordered.env.Mid", str("3")},
                                 {"ordered.env.B2", str("4")},
                                 {"ordered.env.a_b", str("5")},
                                 {"ordered.env.LONG_VARIABLE_NAME", str("6")},
                                 {"ordered.env.x", str("7")},
                                 {"ordered.env.PATH", str("/opt/nowhere")}});
    BOOST_TEST(spawning_line(specs, "ordered") ==
               "{- program: ordered -} Spawning process: /usr/bin/env with env "
               R"([("LONG_VARIABLE_NAME","6"),("x","7"),("ZED","1"),("a_b","5"),("Mid","3"),)"
               R"(("PATH","/opt/nowhere"),("B2","4"),("alpha","2")])");
}

BOOST_AUTO_TEST_CASE(no_env_is_an_empty_list) {
    const auto specs = specs_of({{"ls.exec", str("ls")}});
    BOOST_TEST(spawning_line(specs, "ls") == "{- program: ls -} Spawning process: ls with env []");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
