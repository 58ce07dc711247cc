// Decoding the escapes of a string literal, as the reference's `unescape` does.
#pragma once

#include <string>
#include <string_view>

namespace configurator {

/// Decodes `raw` (the UTF-8 text between the quotes) into `out`: \n \t \r \" \\ and
/// the lenient \uXXXX (exactly four characters taken, the value is their leading run
/// of hex digits, the rest dropped; surrogates must pair). False on any other escape.
bool unescape(std::string_view raw, std::string& out);

}  // namespace configurator
