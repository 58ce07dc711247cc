// count: instance names, ANGEL_PROCESS_NUMBER, pidfile renaming (spec 4.5).
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/count_expansion.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::num;
using test::specs_of;
using test::str;

std::vector<std::string> ids_for_count(configurator::Value count) {
    std::vector<std::string> ids;
    for (const auto& [id, spec] : specs_of({{"w.exec", str("x")}, {"w.count", std::move(count)}})) {
        ids.push_back(id);
    }
    return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(count_expansion)

BOOST_AUTO_TEST_CASE(instance_names) {
    BOOST_TEST(ids_for_count(num(0)).empty());
    BOOST_TEST(ids_for_count(num(2, 5)).empty());
    BOOST_TEST(ids_for_count(num(1, 2)) == (Ids{"w-1"}), boost::test_tools::per_element());
    BOOST_TEST(ids_for_count(num(1)) == (Ids{"w-1"}), boost::test_tools::per_element());
    BOOST_TEST(ids_for_count(num(3, 2)) == (Ids{"w-1", "w-2"}), boost::test_tools::per_element());
    BOOST_TEST(ids_for_count(num(12, 5)) == (Ids{"w-1", "w-2"}), boost::test_tools::per_element());
    BOOST_TEST(ids_for_count(num(5, 2)) == (Ids{"w-1", "w-2", "w-3"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ten_instances_sort_as_strings) {
    const Ids ids = ids_for_count(num(10));
    BOOST_TEST_REQUIRE(ids.size() == 10U);
    BOOST_TEST(ids[0] == "w-1");
    BOOST_TEST(ids[1] == "w-10");
    BOOST_TEST(ids[2] == "w-2");
}

BOOST_AUTO_TEST_CASE(count_zero_keeps_other_programs) {
    const auto specs = specs_of({{"w.exec", str("x")}, {"w.count", num(0)}, {"a.exec", str("y")}});
    BOOST_TEST(specs.size() == 1U);
    BOOST_TEST(specs.count("a") == 1U);
}

BOOST_AUTO_TEST_CASE(process_number_overrides_configured_one) {
    const auto specs = specs_of({{"w.exec", str("x")},
                                 {"w.count", num(2)},
                                 {"w.env.ANGEL_PROCESS_NUMBER", str("ignored")}});
    BOOST_TEST((specs.at("w-1").env == std::vector<EnvEntry>{{"ANGEL_PROCESS_NUMBER", "1"}}));
    BOOST_TEST((specs.at("w-2").env == std::vector<EnvEntry>{{"ANGEL_PROCESS_NUMBER", "2"}}));
}

BOOST_AUTO_TEST_CASE(process_number_overrides_even_a_wrong_type) {
    const auto specs = specs_of(
        {{"w.exec", str("x")}, {"w.count", num(1)}, {"w.env.ANGEL_PROCESS_NUMBER", num(7)}});
    BOOST_TEST((specs.at("w-1").env == std::vector<EnvEntry>{{"ANGEL_PROCESS_NUMBER", "1"}}));
}

BOOST_AUTO_TEST_CASE(no_count_no_process_number) {
    BOOST_TEST(specs_of({{"w.exec", str("x")}}).at("w").env.empty());
}

BOOST_AUTO_TEST_CASE(instances_share_all_other_keys) {
    const auto specs = specs_of({{"w.exec", str("run")},
                                 {"w.count", num(2)},
                                 {"w.delay", num(1)},
                                 {"w.stdout", str("/tmp/out")}});
    for (const char* id : {"w-1", "w-2"}) {
        const ProgramSpec& spec = specs.at(id);
        BOOST_TEST(spec.id == id);
        BOOST_TEST(spec.exec == "run");
        BOOST_TEST((spec.delay == 1));
        BOOST_TEST(spec.stdout_path.value_or("-") == "/tmp/out");
    }
}

BOOST_AUTO_TEST_CASE(pidfile_table) {
    BOOST_TEST(rename_pidfile("worker.pid", 1) == "worker-1.pid");
    BOOST_TEST(rename_pidfile("/var/run/w.pid", 1) == "/var/run/w-1.pid");
    BOOST_TEST(rename_pidfile("/var/run/app.d/w.pid", 1) == "/var/run/app-1.d/w.pid");
    BOOST_TEST(rename_pidfile("./w.pid", 1) == "-1./w.pid");
    BOOST_TEST(rename_pidfile("nodot", 1) == "nodot-1");
    BOOST_TEST(rename_pidfile("w.tar.pid", 1) == "w-1.tar.pid");
    BOOST_TEST(rename_pidfile("~/w.pid", 1) == "~/w-1.pid");
    BOOST_TEST(rename_pidfile("w.pid", 12) == "w-12.pid");
}

BOOST_AUTO_TEST_CASE(pidfile_renamed_then_expanded) {
    const auto specs = specs_of(
        {{"w.exec", str("x")}, {"w.count", num(2)}, {"w.pidfile", str("~/w.pid")}});
    BOOST_TEST(specs.at("w-1").pidfile.value_or("-") == "/home/me/w-1.pid");
    BOOST_TEST(specs.at("w-2").pidfile.value_or("-") == "/home/me/w-2.pid");
    const auto dotted = specs_of(
        {{"w.exec", str("x")}, {"w.count", num(1)}, {"w.pidfile", str("/var/run/app.d/w.pid")}});
    BOOST_TEST(dotted.at("w-1").pidfile.value_or("-") == "/var/run/app-1.d/w.pid");
}

BOOST_AUTO_TEST_CASE(wrong_type_pidfile_is_not_renamed_but_reported) {
    BOOST_TEST(test::error_of({{"w.exec", str("x")}, {"w.count", num(1)}, {"w.pidfile", num(3)}}) ==
               "wrong type for field 'pidfile'; string required" + test::trailer("119:28"));
}

BOOST_AUTO_TEST_CASE(count_only_program_needs_exec) {
    BOOST_TEST(test::error_of({{"w.count", num(2)}}) ==
               "w-1 does not have an 'exec' specification" + test::trailer("94:37"));
}

BOOST_AUTO_TEST_CASE(grouping_drops_top_level_keys) {
    const ProgramKeyGroups groups = group_by_program(
        {{"user", str("bob")}, {"count", num(3)}, {"a.exec", str("x")}, {"a.sub.y", num(1)}});
    BOOST_TEST(groups.size() == 1U);
    BOOST_TEST(groups.at("a").size() == 2U);
    BOOST_TEST(groups.at("a").count("sub.y") == 1U);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
