// `after`, decided: names resolved to ids (an id, a `count` block, a served block),
// missing names and cycles refused, the start and stop orders, the waiting set.
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/decide/start_order.hpp"

namespace angel {
namespace {

using Ids = std::vector<std::string>;

ProgramSpec spec(const std::string& id, Ids after = {}) {
    ProgramSpec s;
    s.id = id;
    s.exec = "true";
    s.after = std::move(after);
    return s;
}

/// Instance k of a `count` block NAME: NAME-k with ANGEL_PROCESS_NUMBER=k.
ProgramSpec counted(const std::string& name, int k, Ids after = {}) {
    ProgramSpec s = spec(name + "-" + std::to_string(k), std::move(after));
    s.env.emplace_back("ANGEL_PROCESS_NUMBER", std::to_string(k));
    return s;
}

ProgramSpecs set_of(const std::vector<ProgramSpec>& specs) {
    ProgramSpecs out;
    for (const ProgramSpec& s : specs) out[s.id] = s;
    return out;
}

std::string error_of(const ProgramSpecs& specs) { return after_error(specs).value_or("none"); }

AfterGraph graph_of(const ProgramSpecs& specs) { return std::get<AfterGraph>(after_graph(specs)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(start_order)

BOOST_AUTO_TEST_CASE(a_name_is_an_id_or_a_block) {
    const ProgramSpecs specs = set_of({spec("db"), counted("worker", 1), counted("worker", 2), spec("worker-x")});
    BOOST_TEST(ids_named(specs, "db") == (Ids{"db"}));
    BOOST_TEST(ids_named(specs, "worker") == (Ids{"worker-1", "worker-2"}));  // not worker-x: no count of it
    BOOST_TEST(ids_named(specs, "worker-2") == (Ids{"worker-2"}));
    BOOST_TEST(ids_named(specs, "nope").empty());
    ProgramSpec web = spec("web-1");
    web.serve = ServeSpec{};
    web.serve->group = "web";
    BOOST_TEST(ids_named(set_of({web}), "web") == (Ids{"web-1"}));
}

BOOST_AUTO_TEST_CASE(the_graph_resolves_every_name) {
    const ProgramSpecs specs =
        set_of({spec("db"), spec("app", {"db", "worker"}), counted("worker", 1, {"db"}), counted("worker", 2, {"db"})});
    const AfterGraph g = graph_of(specs);
    BOOST_TEST(g.size() == 3u);
    BOOST_TEST(g.at("app") == (Ids{"db", "worker-1", "worker-2"}));
    BOOST_TEST(g.at("worker-1") == (Ids{"db"}));
    BOOST_TEST(error_of(set_of({spec("db"), spec("app")})) == "none");
}

BOOST_AUTO_TEST_CASE(a_missing_name_is_an_error) {
    BOOST_TEST(error_of(set_of({spec("app", {"db"})})) ==
               "app: 'after' names \"db\", which is no program of the config");
}

BOOST_AUTO_TEST_CASE(a_cycle_is_an_error_naming_it) {
    BOOST_TEST(error_of(set_of({spec("a", {"b"}), spec("b", {"a"})})) == "a: 'after' makes a cycle: a -> b -> a");
    BOOST_TEST(error_of(set_of({spec("a", {"a"})})) == "a: 'after' makes a cycle: a -> a");
    BOOST_TEST(error_of(set_of({spec("x", {"a"}), spec("a", {"b"}), spec("b", {"c"}), spec("c", {"b"})})) ==
               "b: 'after' makes a cycle: b -> c -> b");
    // A block after itself: each instance waits for itself.
    BOOST_TEST(error_of(set_of({counted("w", 1, {"w"}), counted("w", 2, {"w"})})) ==
               "w-1: 'after' makes a cycle: w-1 -> w-1");
    // A diamond is no cycle.
    BOOST_TEST(error_of(set_of({spec("a", {"b", "c"}), spec("b", {"d"}), spec("c", {"d"}), spec("d")})) == "none");
}

BOOST_AUTO_TEST_CASE(a_long_chain_is_checked_without_recursion) {
    std::vector<ProgramSpec> chain;
    const int n = 100000;
    for (int i = 0; i < n; ++i) chain.push_back(spec("p" + std::to_string(i), i + 1 < n ? Ids{"p" + std::to_string(i + 1)} : Ids{}));
    BOOST_TEST(error_of(set_of(chain)) == "none");
    chain.back().after = {"p0"};
    BOOST_TEST(error_of(set_of(chain)).find("'after' makes a cycle") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(starts_go_after_what_they_wait_for_else_in_the_order_given) {
    const ProgramSpecs specs = set_of({spec("a", {"m"}), spec("b"), spec("m", {"z"}), spec("z")});
    const AfterGraph g = graph_of(specs);
    BOOST_TEST(topological_order({"a", "b", "m", "z"}, g).value() == (Ids{"b", "z", "m", "a"}));
    // Edges to ids outside the list do not count.
    BOOST_TEST(topological_order({"a", "b"}, g).value() == (Ids{"a", "b"}));
    BOOST_TEST(!topological_order({"a", "b"}, AfterGraph{{"a", {"b"}}, {"b", {"a"}}}).has_value());
    BOOST_TEST(topological_order({"c", "a", "b"}, AfterGraph{}).value() == (Ids{"c", "a", "b"}));
}

BOOST_AUTO_TEST_CASE(stops_go_before_what_they_wait_for) {
    const ProgramSpecs specs = set_of({spec("app", {"db"}), spec("db"), spec("web", {"app"}), spec("x")});
    const AfterGraph g = graph_of(specs);
    BOOST_TEST(stop_order({"app", "db", "web", "x"}, g) == (Ids{"web", "app", "db", "x"}));
    BOOST_TEST(stop_order({"app", "db", "x"}, AfterGraph{}) == (Ids{"app", "db", "x"}));
    // A cycle (never in a checked config) keeps the order given.
    BOOST_TEST(stop_order({"a", "b"}, AfterGraph{{"a", {"b"}}, {"b", {"a"}}}) == (Ids{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(the_waiting_set_is_what_does_not_run_yet) {
    const ProgramSpecs specs = set_of({spec("app", {"db", "worker"}), spec("db"), counted("worker", 1), counted("worker", 2)});
    std::set<std::string> running;
    auto runs = [&running](const std::string& id) { return running.contains(id); };
    BOOST_TEST(waiting_for(specs, specs.at("app"), runs) == (Ids{"db", "worker-1", "worker-2"}));
    running = {"db", "worker-2"};
    BOOST_TEST(waiting_for(specs, specs.at("app"), runs) == (Ids{"worker-1"}));
    running.insert("worker-1");
    BOOST_TEST(waiting_for(specs, specs.at("app"), runs).empty());
    BOOST_TEST(waiting_for(specs, specs.at("db"), runs).empty());
    BOOST_TEST(joined({"db", "cache"}) == "db, cache");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
