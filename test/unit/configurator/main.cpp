// The configurator unit tests' runner.
#define BOOST_TEST_MODULE configurator
#include <boost/test/unit_test.hpp>
