// Building programs from keys: shapes, unknown keys, defaults (spec 4.2, 4.3).
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

namespace angel {
namespace {

using test::boolean;
using test::error_of;
using test::list;
using test::num;
using test::specs_of;
using test::str;

}  // namespace

BOOST_AUTO_TEST_SUITE(build_specs_shapes)

BOOST_AUTO_TEST_CASE(empty_config_has_no_programs) {
    BOOST_TEST(specs_of({}).empty());
}

BOOST_AUTO_TEST_CASE(defaults) {
    const ProgramSpec spec = specs_of({{"web.exec", str("run it")}}).at("web");
    ProgramSpec expected;
    expected.id = "web";
    expected.exec = "run it";
    BOOST_TEST((spec == expected));
    BOOST_TEST(!spec.delay);  // absent: 5 s, but not equal to an explicit 5
    BOOST_TEST(!spec.stdout_path);
    BOOST_TEST(!spec.stderr_path);
    BOOST_TEST(!spec.directory);
    BOOST_TEST(!spec.logger);
    BOOST_TEST(!spec.pidfile);
    BOOST_TEST(spec.env.empty());
    BOOST_TEST(!spec.termgrace);
}

BOOST_AUTO_TEST_CASE(every_field) {
    const ProgramSpec spec = specs_of({{"p.exec", str("/bin/x a")},
                                       {"p.delay", num(3)},
                                       {"p.stdout", str("o.log")},
                                       {"p.stderr", str("e.log")},
                                       {"p.directory", str("/tmp")},
                                       {"p.pidfile", str("p.pid")},
                                       {"p.termgrace", num(4)},
                                       {"p.env.A", str("1")}})
                                 .at("p");
    ProgramSpec expected;
    expected.id = "p";
    expected.exec = "/bin/x a";
    expected.delay = 3;
    expected.stdout_path = "o.log";
    expected.stderr_path = "e.log";
    expected.directory = "/tmp";
    expected.pidfile = "p.pid";
    expected.termgrace = 4;
    expected.env = {{"A", "1"}};
    BOOST_TEST((spec == expected));
    const ProgramSpec logged = specs_of({{"q.exec", str("x")}, {"q.logger", str("lg -a")}}).at("q");
    BOOST_TEST(logged.logger.value_or("-") == "lg -a");
}

BOOST_AUTO_TEST_CASE(empty_exec_passes_validation) {
    BOOST_TEST(specs_of({{"p.exec", str("")}}).at("p").exec == "");
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_ignored) {
    const ProgramSpec spec = specs_of({{"p.exec", str("x")},
                                       {"p.user", str("root")},
                                       {"p.grace", boolean(true)},
                                       {"p.Exec", num(1)},
                                       {"p.list", list({num(1), str("a")})},
                                       {"p.env", str("not a group")},
                                       {"p.sub.exec", num(1)}})
                                 .at("p");
    ProgramSpec expected;
    expected.id = "p";
    expected.exec = "x";
    BOOST_TEST((spec == expected));
}

BOOST_AUTO_TEST_CASE(top_level_keys_are_ignored) {
    const auto specs = specs_of({{"user", str("bob")},
                                 {"count", str("x")},
                                 {"exec", num(1)},
                                 {"delay", num(-1)},
                                 {"a.exec", str("x")}});
    BOOST_TEST(specs.size() == 1U);
    BOOST_TEST(specs.count("a") == 1U);
    BOOST_TEST(specs_of({{"user", str("bob")}}).empty());
}

BOOST_AUTO_TEST_CASE(any_block_with_a_key_makes_a_program) {
    BOOST_TEST(error_of({{"a.exec", str("x")}, {"p.foo", num(1)}}) ==
               "p does not have an 'exec' specification" + test::trailer("94:37"));
    BOOST_TEST(error_of({{"web.sub.exec", str("x")}}) ==
               "web does not have an 'exec' specification" + test::trailer("94:37"));
}

BOOST_AUTO_TEST_CASE(nested_env_names) {
    const ProgramSpec spec = specs_of({{"p.exec", str("x")},
                                       {"p.env.nested.inner", str("v")},
                                       {"p.env.a.b.c", str("w")}})
                                 .at("p");
    std::vector<std::string> names;
    for (const auto& [name, value] : spec.env) names.push_back(name);
    std::sort(names.begin(), names.end());
    BOOST_TEST(names == (std::vector<std::string>{"a.b.c", "nested.inner"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unicode_ids_and_values) {
    const auto specs = specs_of({{"\u00e9t\u00e9.exec", str("caf\u00e9")}, {"B.exec", str("b")}});
    BOOST_TEST(specs.at("\u00e9t\u00e9").exec == "caf\u00e9");
    BOOST_TEST(specs.begin()->first == "B");
}

BOOST_AUTO_TEST_CASE(equal_configs_give_equal_specs) {
    const configurator::Map map = {
        {"p.exec", str("x")}, {"p.env.B", str("2")}, {"p.env.A", str("1")}, {"p.delay", num(5, 2)}};
    BOOST_TEST((specs_of(map) == specs_of(map)));
    configurator::Map changed = map;
    changed["p.env.A"] = str("other");
    BOOST_TEST((specs_of(map) != specs_of(changed)));
}

BOOST_AUTO_TEST_CASE(colliding_instance_and_literal_ids_merge) {
    // Unspecified in the spec; the keys are merged, nothing is lost.
    const auto specs = specs_of({{"w.exec", str("from-w")},
                                 {"w.count", num(1)},
                                 {"w-1.stdout", str("literal.log")}});
    BOOST_TEST(specs.size() == 1U);
    BOOST_TEST(specs.at("w-1").exec == "from-w");
    BOOST_TEST(specs.at("w-1").stdout_path.value_or("-") == "literal.log");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
