// Unit tests of the engine under a fake clock and fake processes.
#define BOOST_TEST_MODULE engine
#include <boost/test/unit_test.hpp>
