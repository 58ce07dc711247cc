// GHC's character classes at their edges.
#include <boost/test/unit_test.hpp>

#include "configurator/unicode.hpp"

using namespace configurator;

BOOST_AUTO_TEST_CASE(letters) {
    BOOST_TEST(is_letter(U'a'));
    BOOST_TEST(is_letter(U'Z'));
    BOOST_TEST(!is_letter(U'_'));
    BOOST_TEST(is_letter(0xAA));      // ª, Lo
    BOOST_TEST(is_letter(0x1D49C));   // 𝒜, non-BMP
    BOOST_TEST(is_letter(0x4E2D));    // CJK
    BOOST_TEST(!is_letter(0x2162));   // Ⅲ is Nl
    BOOST_TEST(!is_letter(0x301));    // combining acute
    BOOST_TEST(!is_letter(0x1F600));  // emoji
}

BOOST_AUTO_TEST_CASE(letters_or_numbers) {
    BOOST_TEST(is_letter_or_number(U'7'));
    BOOST_TEST(is_letter_or_number(0xB2));    // ², No
    BOOST_TEST(is_letter_or_number(0x2162));  // Ⅲ, Nl
    BOOST_TEST(is_letter_or_number(0x663));   // Arabic-Indic three
    BOOST_TEST(!is_letter_or_number(0x301));
    BOOST_TEST(!is_letter_or_number(U'-'));
}

BOOST_AUTO_TEST_CASE(spaces) {
    for (char32_t c : {0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0xA0, 0x1680, 0x2000, 0x200A, 0x202F, 0x205F, 0x3000}) {
        BOOST_TEST(is_space(c));
    }
    for (char32_t c : {0x85, 0x2028, 0x2029, 0x200B, 0xFEFF, 0x1C, 0x0}) BOOST_TEST(!is_space(c));
}
