// UTF-8 decoding and encoding, independent of the locale.
#pragma once

#include <string>
#include <string_view>

namespace configurator {

/// Whether `bytes` is strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

/// Decodes UTF-8, turning each byte of an invalid sequence into U+DC00 + byte
/// (GHC's round-trip escape for undecodable bytes in names and the environment).
std::u32string decode_utf8_lossless(std::string_view bytes);

/// Appends the UTF-8 encoding of one code point.
void append_utf8(std::string& out, char32_t c);

}  // namespace configurator
