// Character classes of GHC's Data.Char, which the reference's parser uses.
#pragma once

namespace configurator {

/// isAlpha: general category Lu, Ll, Lt, Lm or Lo.
bool is_letter(char32_t c) noexcept;

/// isAlphaNum: a letter or a number (Nd, Nl, No); marks are not included.
bool is_letter_or_number(char32_t c) noexcept;

/// isSpace: TAB..CR, space, NBSP, and every other Zs character.
bool is_space(char32_t c) noexcept;

}  // namespace configurator
