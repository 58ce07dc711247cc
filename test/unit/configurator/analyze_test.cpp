// PEGTL's analyze(): no rule of the grammar can loop without consuming input.
#include <boost/test/unit_test.hpp>

#include <tao/pegtl/contrib/analyze.hpp>

#include "configurator/grammar.hpp"

BOOST_AUTO_TEST_CASE(grammar_has_no_analysis_problems) {
    BOOST_TEST(tao::pegtl::analyze<configurator::grammar::file>(-1) == 0u);
}
