// The grammar's character classes, forwarded to the Unicode tables.
#include "configurator/grammar.hpp"
#include "configurator/unicode.hpp"

namespace configurator::grammar {

bool letter_class::test(char32_t c) noexcept { return is_letter(c); }
bool letter_or_number_class::test(char32_t c) noexcept { return is_letter_or_number(c); }
bool space_class::test(char32_t c) noexcept { return is_space(c); }

}  // namespace configurator::grammar
