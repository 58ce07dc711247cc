// Every config error text of the angel layer, and which one wins (spec 3.5, 4.8).
#include <string>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/spec_errors.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::boolean;
using test::error_of;
using test::list;
using test::num;
using test::str;

/// The error of program `p` (otherwise valid) with one extra key.
std::string error_with(const std::string& local, configurator::Value value) {
    return error_of({{"p.exec", str("x")}, {"p." + local, std::move(value)}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spec_error_texts)

BOOST_AUTO_TEST_CASE(missing_exec) {
    BOOST_TEST(error_of({{"a.delay", num(1)}}) ==
               "a does not have an 'exec' specification\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at src/Angel/Config.hs:94:37 in main:Angel.Config");
}

BOOST_AUTO_TEST_CASE(logger_with_stdout_or_stderr) {
    const std::string expected =
        "p cannot have both a logger process and stderr/stdout\n"
        "CallStack (from HasCallStack):\n"
        "  error, called at src/Angel/Config.hs:96:58 in main:Angel.Config";
    BOOST_TEST(error_of({{"p.exec", str("x")}, {"p.logger", str("l")}, {"p.stdout", str("o")}}) ==
               expected);
    BOOST_TEST(error_of({{"p.exec", str("x")}, {"p.logger", str("l")}, {"p.stderr", str("e")}}) ==
               expected);
}

BOOST_AUTO_TEST_CASE(wrong_types) {
    const auto text = [](const char* field, const char* position) {
        return std::string("wrong type for field '") + field + "'; string required" +
               test::trailer(position);
    };
    BOOST_TEST(error_with("exec", num(1)) == text("exec", "100:25"));
    BOOST_TEST(error_of({{"p.exec", boolean(true)}}) == text("exec", "100:25"));
    BOOST_TEST(error_of({{"p.exec", list({str("ls")})}}) == text("exec", "100:25"));
    BOOST_TEST(error_with("stdout", num(1)) == text("stdout", "107:27"));
    BOOST_TEST(error_with("stderr", boolean(false)) == text("stderr", "110:27"));
    BOOST_TEST(error_with("directory", list()) == text("directory", "113:30"));
    BOOST_TEST(error_with("logger", num(0)) == text("logger", "116:27"));
    BOOST_TEST(error_with("pidfile", boolean(true)) == text("pidfile", "119:28"));
    BOOST_TEST(error_with("env.X", num(1)) ==
               "wrong type for env field; string required\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at src/Angel/Config.hs:123:38 in main:Angel.Config");
}

BOOST_AUTO_TEST_CASE(delay_errors) {
    BOOST_TEST(error_with("delay", num(-1, 2)) ==
               "delay value must be >= 0\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at src/Angel/Config.hs:102:50 in main:Angel.Config");
    BOOST_TEST(error_with("delay", str("5")) ==
               "wrong type for field 'delay'; integer\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at src/Angel/Config.hs:104:26 in main:Angel.Config");
}

BOOST_AUTO_TEST_CASE(termgrace_errors) {
    const std::string negative =
        "termgrace if it is a number must be >= 1\n"
        "CallStack (from HasCallStack):\n"
        "  error, called at src/Angel/Config.hs:126:50 in main:Angel.Config";
    const std::string wrong_type =
        "wrong type for field 'termgrace'; number or boolean false required\n"
        "CallStack (from HasCallStack):\n"
        "  error, called at src/Angel/Config.hs:129:30 in main:Angel.Config";
    BOOST_TEST(error_with("termgrace", num(-1)) == negative);
    BOOST_TEST(error_with("termgrace", boolean(true)) == wrong_type);
    BOOST_TEST(error_with("termgrace", str("off")) == wrong_type);
    BOOST_TEST(error_with("termgrace", list()) == wrong_type);
}

BOOST_AUTO_TEST_CASE(count_errors) {
    BOOST_TEST(error_with("count", num(-1)) ==
               "count must be >= 0\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at src/Angel/Config.hs:172:33 in main:Angel.Config");
    BOOST_TEST(error_with("count", str("2")) ==
               "count must be a number or not specified\n"
               "CallStack (from HasCallStack):\n"
               "  error, called at src/Angel/Config.hs:173:37 in main:Angel.Config");
}

BOOST_AUTO_TEST_CASE(the_table_itself) {
    BOOST_TEST(spec_error_text(SpecErrorKind::missing_exec, "w-1") ==
               "w-1 does not have an 'exec' specification" + test::trailer("94:37"));
    BOOST_TEST(spec_error_text(SpecErrorKind::count_type) ==
               "count must be a number or not specified" + test::trailer("173:37"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(spec_error_precedence)

BOOST_AUTO_TEST_CASE(last_bad_count_in_hash_order_wins) {
    // a, b, c are in this hash-map order: c's count error is reported.
    BOOST_TEST(error_of({{"a.count", str("x")}, {"b.exec", str("y")}, {"c.count", num(-1)}}) ==
               "count must be >= 0" + test::trailer("172:33"));
    BOOST_TEST(error_of({{"a.count", num(-1)}, {"b.count", num(-2)}, {"c.count", str("x")}}) ==
               "count must be a number or not specified" + test::trailer("173:37"));
    BOOST_TEST(error_of({{"a.count", num(-1)}, {"b.count", str("x")}, {"c.count", num(1)}}) ==
               "count must be a number or not specified" + test::trailer("173:37"));
}

BOOST_AUTO_TEST_CASE(first_failing_key_in_hash_order_wins) {
    // Verified on the reference: all seven wrong, p6.pidfile comes first.
    BOOST_TEST(error_of({{"p1.exec", num(1)},
                         {"p2.delay", num(-1)},
                         {"p3.stdout", num(1)},
                         {"p4.stderr", num(1)},
                         {"p5.directory", num(1)},
                         {"p6.pidfile", num(1)},
                         {"p7.termgrace", boolean(true)}}) ==
               "wrong type for field 'pidfile'; string required" + test::trailer("119:28"));
}

BOOST_AUTO_TEST_CASE(type_errors_within_one_program) {
    // p.exec (b82a53ab048dd082) comes before p.delay (82b1ea73603def89).
    BOOST_TEST(error_of({{"p.exec", num(1)}, {"p.delay", num(-1)}}) ==
               "wrong type for field 'exec'; string required" + test::trailer("100:25"));
}

BOOST_AUTO_TEST_CASE(type_errors_use_expanded_ids) {
    // With count, the failing keys are w-1.delay and w-2.delay: still one text.
    BOOST_TEST(error_of({{"w.exec", str("x")}, {"w.count", num(2)}, {"w.delay", str("1")}}) ==
               "wrong type for field 'delay'; integer" + test::trailer("104:26"));
    // count 0: the program's keys are gone, so is its type error.
    BOOST_TEST(error_of({{"w.count", num(0)}, {"w.delay", str("1")}, {"a.exec", str("x")}}) ==
               "<no error>");
}

BOOST_AUTO_TEST_CASE(stages_in_pipeline_order) {
    // count error beats a type error
    BOOST_TEST(error_of({{"a.count", num(-1)}, {"b.exec", num(1)}}) ==
               "count must be >= 0" + test::trailer("172:33"));
    // a type error beats a tilde error
    BOOST_TEST(error_of({{"a.exec", str("~nosuch/x")}, {"b.delay", str("x")}, {"b.exec", str("y")}}) ==
               "wrong type for field 'delay'; integer" + test::trailer("104:26"));
    // a tilde error beats a validation error of an earlier id
    BOOST_TEST(error_of({{"a.delay", num(1)}, {"b.exec", str("~nosuch/x")}}) ==
               "getUserEntryForName: does not exist (no such user)");
    // validation: sorted id order ("B" < "a"), exec checked before logger
    BOOST_TEST(error_of({{"a.delay", num(1)},
                         {"B.exec", str("x")},
                         {"B.logger", str("l")},
                         {"B.stdout", str("o")}}) ==
               "B cannot have both a logger process and stderr/stdout" + test::trailer("96:58"));
    BOOST_TEST(error_of({{"b.delay", num(1)}, {"a.logger", str("l")}, {"a.stdout", str("o")}}) ==
               "a does not have an 'exec' specification" + test::trailer("94:37"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
