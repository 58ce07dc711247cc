// Haskell `show` for strings (GHC.Show.showLitString).
#include "configurator/haskell_show.hpp"

#include <array>

#include "configurator/utf8.hpp"

namespace configurator {
namespace {

// Names of the control characters 0x00..0x1F that have no single-letter escape.
constexpr std::array<const char*, 32> kControlNames = {
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "a",  "b",  "t",  "n",
    "v",   "f",   "r",   "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
    "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};

}  // namespace

std::string haskell_show(std::string_view utf8) {
    std::u32string text = decode_utf8_lossless(utf8);
    std::string out;
    out.reserve(utf8.size() + 2);
    out.push_back('"');
    for (std::size_t i = 0; i < text.size(); ++i) {
        char32_t c = text[i];
        char32_t next = i + 1 < text.size() ? text[i + 1] : 0;
        if (c == '"') {
            out += "\\\"";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (c >= 0x20 && c < 0x7F) {
            out.push_back(static_cast<char>(c));
        } else if (c == 0x7F) {
            out += "\\DEL";
        } else if (c < 0x20) {
            out.push_back('\\');
            out += kControlNames[c];
            if (c == 0x0E && next == 'H') out += "\\&";  // "\SOH" would read back differently
        } else {
            out.push_back('\\');
            out += std::to_string(static_cast<unsigned long>(c));
            if (next >= '0' && next <= '9') out += "\\&";  // keeps the number from running on
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace configurator
