// Tilde expansion with an injected password database (spec 4.6).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/spec_errors.hpp"
#include "supervisor/spec/tilde.hpp"
#include "test_support.hpp"

namespace angel {
namespace {

using test::error_of;
using test::fake_homes;
using test::specs_of;
using test::str;

std::string expand(std::string_view path) {
    return expand_tilde(path, fake_homes).value_or("<no such user>");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tilde)

BOOST_AUTO_TEST_CASE(leading_tilde_only) {
    BOOST_TEST(expand("~") == "/home/me");
    BOOST_TEST(expand("~/") == "/home/me/");
    BOOST_TEST(expand("~/bin/x ~/arg") == "/home/me/bin/x ~/arg");
    BOOST_TEST(expand("~root") == "/root");
    BOOST_TEST(expand("~root/x/y") == "/root/x/y");
    BOOST_TEST(expand("~me/x") == "/home/me/x");
    BOOST_TEST(expand("a~/x") == "a~/x");
    BOOST_TEST(expand("/x/~") == "/x/~");
    BOOST_TEST(expand("") == "");
    BOOST_TEST(expand("~nosuchuser/x") == "<no such user>");
    BOOST_TEST(expand("~root x/y") == "<no such user>");  // the name ends at '/', not ' '
}

BOOST_AUTO_TEST_CASE(lookup_receives_the_user_name) {
    std::vector<std::string> asked;
    const HomeLookup recording = [&](std::string_view user) -> std::optional<std::string> {
        asked.emplace_back(user);
        return "/h/" + std::string(user);
    };
    BOOST_TEST(expand_tilde("~/a", recording).value() == "/h//a");
    BOOST_TEST(expand_tilde("~bob/a", recording).value() == "/h/bob/a");
    BOOST_TEST(expand_tilde("~b\u00f6b", recording).value() == "/h/b\u00f6b");
    BOOST_TEST(asked == (std::vector<std::string>{"", "bob", "b\u00f6b"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fields_expanded_in_specs) {
    const ProgramSpec spec = specs_of({{"p.exec", str("~/bin/x ~/arg")},
                                       {"p.stdout", str("~/out")},
                                       {"p.stderr", str("~root/err")},
                                       {"p.directory", str("~")},
                                       {"p.pidfile", str("~/p.pid")},
                                       {"p.env.HOME", str("~/x")}})
                                 .at("p");
    BOOST_TEST(spec.exec == "/home/me/bin/x ~/arg");
    BOOST_TEST(spec.stdout_path.value_or("-") == "/home/me/out");
    BOOST_TEST(spec.stderr_path.value_or("-") == "/root/err");
    BOOST_TEST(spec.directory.value_or("-") == "/home/me");
    BOOST_TEST(spec.pidfile.value_or("-") == "/home/me/p.pid");
    BOOST_TEST((spec.env == std::vector<EnvEntry>{{"HOME", "~/x"}}));  // env: not expanded
}

BOOST_AUTO_TEST_CASE(logger_not_expanded) {
    BOOST_TEST(specs_of({{"p.exec", str("x")}, {"p.logger", str("~/lg")}}).at("p").logger.value_or(
                   "-") == "~/lg");
}

BOOST_AUTO_TEST_CASE(unknown_user_error_has_no_trailer) {
    for (const char* field : {"exec", "stdout", "stderr", "directory", "pidfile"}) {
        BOOST_TEST(error_of({{"p.exec", str("x")}, {std::string("p.") + field, str("~nosuch/x")}}) ==
                   "getUserEntryForName: does not exist (no such user)");
    }
    BOOST_TEST(error_of({{"p.exec", str("x")}, {"p.logger", str("~nosuch/x")}}) == "<no error>");
}

BOOST_AUTO_TEST_CASE(unknown_effective_user) {
    const HomeLookup nobody = [](std::string_view) -> std::optional<std::string> {
        return std::nullopt;
    };
    auto result = build_specs({{"p.exec", str("~/x")}}, nobody);
    BOOST_TEST_REQUIRE(std::holds_alternative<SpecError>(result));
    BOOST_TEST(std::get<SpecError>(result).text == kNoSuchUserText);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
