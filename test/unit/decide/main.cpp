// Unit tests of the pure decision tables: the instance table, the stop table, the scheduler.
#define BOOST_TEST_MODULE decide
#include <boost/test/unit_test.hpp>
