// Grammar rules on short inputs, without actions: what each rule matches whole.
#include <boost/test/unit_test.hpp>

#include <string>

#include <tao/pegtl.hpp>

#include "configurator/grammar.hpp"

namespace {

namespace pegtl = tao::pegtl;
namespace g = configurator::grammar;

template <typename Rule>
bool whole(const std::string& s) {
    pegtl::memory_input in(s, "test");
    return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
}

// How many bytes the rule consumes, or -1 when it fails.
template <typename Rule>
int consumed(const std::string& s) {
    pegtl::memory_input in(s, "test");
    if (!pegtl::parse<Rule>(in)) return -1;
    return static_cast<int>(s.size() - in.size());
}

}  // namespace

BOOST_AUTO_TEST_CASE(names) {
    BOOST_TEST(whole<g::name>("a"));
    BOOST_TEST(whole<g::name>("a1_b-c"));
    BOOST_TEST(whole<g::name>("\xD0\xBA\xD0\xBB"));          // Cyrillic
    BOOST_TEST(whole<g::name>("x\xC2\xB2"));                 // x² (No)
    BOOST_TEST(whole<g::name>("a\xE2\x85\xAB"));             // aⅫ (Nl)
    BOOST_TEST(!whole<g::name>("\xE2\x85\xAB"));             // Ⅻ alone
    BOOST_TEST(!whole<g::name>("1a"));
    BOOST_TEST(!whole<g::name>("_a"));
    BOOST_TEST(!whole<g::name>("-a"));
    BOOST_TEST(!whole<g::name>("e\xCC\x81"));                // combining mark
    BOOST_TEST(!whole<g::name>("a.b"));
    BOOST_TEST(!whole<g::name>("a$"));
}

BOOST_AUTO_TEST_CASE(filler) {
    BOOST_TEST(consumed<g::lws>(" \t\r\n\v\f# c\n x") == 11);
    BOOST_TEST(consumed<g::lws>("\xC2\xA0\xE3\x80\x80x") == 5);      // NBSP, ideographic space
    BOOST_TEST(consumed<g::lws>("\xC2\x85") == 0);                   // NEL is not whitespace
    BOOST_TEST(consumed<g::lws>("\xE2\x80\xA8") == 0);               // U+2028 neither
    BOOST_TEST(consumed<g::lws>("\xEF\xBB\xBF") == 0);               // BOM neither
    BOOST_TEST(consumed<g::hws>(" \t# c\r\n") == 5);
    BOOST_TEST(consumed<g::hws>("\v") == 0);
    BOOST_TEST(consumed<g::hws>("\xC2\xA0") == 0);
}

BOOST_AUTO_TEST_CASE(strings_are_delimited_before_decoding) {
    BOOST_TEST(whole<g::string>("\"\""));
    BOOST_TEST(whole<g::string>("\"a\\\"b\""));
    BOOST_TEST(whole<g::string>("\"a\nb\""));
    BOOST_TEST(whole<g::string>("\"\\q\""));  // the escape is checked by the action
    BOOST_TEST(!whole<g::string>("\"abc"));
    BOOST_TEST(!whole<g::string>("\"a\\\""));
}

BOOST_AUTO_TEST_CASE(number_syntax) {
    for (const char* ok : {"0", "-0", "+5", "007", "1.5", "5.", "1.e5", "1e5", "1E-5", "2.5e+3", "1e007"}) {
        BOOST_TEST_INFO(ok);
        BOOST_TEST(whole<g::number>(ok));
    }
    for (const char* bad : {".5", "-.5", "--5", "- 5", "+-5", "1e", "1e+", "0x10", "1_000", "inf"}) {
        BOOST_TEST_INFO(bad);
        BOOST_TEST(!whole<g::number>(bad));
    }
    BOOST_TEST(consumed<g::number>("1e") == 1);
    BOOST_TEST(consumed<g::number>("1.2.3") == 3);
}

BOOST_AUTO_TEST_CASE(values_and_lists) {
    BOOST_TEST(whole<g::value>("on"));
    BOOST_TEST(whole<g::value>("false"));
    BOOST_TEST(consumed<g::value>("onward") == 2);
    BOOST_TEST(!whole<g::value>("True"));
    BOOST_TEST(whole<g::value>("[]"));
    BOOST_TEST(whole<g::value>("[ 1 , \"x\" ,[true]]"));
    BOOST_TEST(whole<g::value>("[\n1, # c\n2\n]"));
    BOOST_TEST(!whole<g::value>("[1,]"));
    BOOST_TEST(!whole<g::value>("[,1]"));
    BOOST_TEST(!whole<g::value>("[1 2]"));
    BOOST_TEST(!whole<g::value>("[1,,2]"));
}

BOOST_AUTO_TEST_CASE(files) {
    BOOST_TEST(whole<g::file>(""));
    BOOST_TEST(whole<g::file>("# only\n\n"));
    BOOST_TEST(whole<g::file>("a = 1\r\nb=2\rc\t=\t3"));
    BOOST_TEST(whole<g::file>("g {\n  a = 1 }\nb = 2"));
    BOOST_TEST(whole<g::file>("g{h{a=1}}"));
    BOOST_TEST(whole<g::file>("import \"x.cfg\" # c\n"));
    BOOST_TEST(whole<g::file>("a = 1\v"));             // VT on the last line: final filler
    BOOST_TEST(!whole<g::file>("a = 1\vb = 2"));
    BOOST_TEST(!whole<g::file>("a = 1 b = 2"));
    BOOST_TEST(!whole<g::file>("g { a = 1 # c }"));
    BOOST_TEST(!whole<g::file>("a.b = 1"));
    BOOST_TEST(!whole<g::file>("\xEF\xBB\xBF" "a = 1"));
}
