// Number literals to exact values, and numbers to text as interpolation writes them.
#pragma once

#include <string>
#include <string_view>

#include "configurator/value.hpp"

namespace configurator {

/// Whether a literal (matched by grammar::number) is within kMaxNumberDigits digits and
/// an exponent of at most kMaxNumberExponent in magnitude.
bool number_literal_within_limits(std::string_view literal);

/// The exact value of a literal matched by grammar::number.
Number number_from_literal(std::string_view literal);

/// How interpolation writes a number: an integer in plain decimal; otherwise the value
/// rounded to the nearest double, written as Haskell's `show` writes a Double.
std::string interpolation_text(const Number& n);

/// Haskell's `show` of a Double ("1.5", "1.0e-2", "1.00000005e7", "Infinity").
std::string haskell_show_double(double d);

}  // namespace configurator
