// Boost.Test entry point of the supervisor unit tests.
#define BOOST_TEST_MODULE supervisor
#include <boost/test/unit_test.hpp>
