// The real password-database lookup (the one effectful function of spec building).
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "supervisor/spec/build_specs.hpp"
#include "supervisor/os/password_database.hpp"

namespace angel {

BOOST_AUTO_TEST_SUITE(password_database)

BOOST_AUTO_TEST_CASE(unknown_user_is_nullopt) {
    const HomeLookup homes = password_database_homes();
    BOOST_TEST(!homes("no-such-user-angel-test-7q").has_value());
}

BOOST_AUTO_TEST_CASE(root_has_a_home) {
    const HomeLookup homes = password_database_homes();
    const auto home = homes("root");
    BOOST_TEST_REQUIRE(home.has_value());
    BOOST_TEST(!home->empty());
    if (geteuid() == 0) BOOST_TEST(homes("").value_or("-") == *home);  // effective user
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace angel
