// The reference decodes escapes with a small attoparsec parser run over the string's
// text; `\u` takes four *characters* (not bytes), so this walks UTF-8 sequences.
#include "configurator/unescape.hpp"

#include <optional>

#include "configurator/utf8.hpp"

namespace configurator {
namespace {

// Length of the UTF-8 sequence starting with byte b (the text is valid UTF-8).
std::size_t sequence_length(unsigned char b) {
    if (b < 0x80) return 1;
    if (b < 0xE0) return 2;
    if (b < 0xF0) return 3;
    return 4;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Takes four characters at raw[pos] (attoparsec `take 4`) and reads their leading hex
// digits (`hexadecimal`, at least one). Advances pos past all four.
std::optional<char32_t> hex_quad(std::string_view raw, std::size_t& pos) {
    std::size_t end = pos;
    for (int i = 0; i < 4; ++i) {
        if (end >= raw.size()) return std::nullopt;
        end += sequence_length(static_cast<unsigned char>(raw[end]));
    }
    char32_t value = 0;
    std::size_t i = pos;
    for (; i < end && hex_value(raw[i]) >= 0; ++i) value = value * 16 + static_cast<char32_t>(hex_value(raw[i]));
    if (i == pos) return std::nullopt;
    pos = end;
    return value;
}

// After "\u": one code point, pairing surrogates.
std::optional<char32_t> unicode_escape(std::string_view raw, std::size_t& pos) {
    auto a = hex_quad(raw, pos);
    if (!a) return std::nullopt;
    if (*a < 0xD800 || *a > 0xDFFF) return a;
    if (raw.substr(pos, 2) != "\\u") return std::nullopt;
    pos += 2;
    auto b = hex_quad(raw, pos);
    if (!b || *a > 0xDBFF || *b < 0xDC00 || *b > 0xDFFF) return std::nullopt;
    return ((*a - 0xD800) << 10) + (*b - 0xDC00) + 0x10000;
}

}  // namespace

bool unescape(std::string_view raw, std::string& out) {
    std::size_t pos = 0;
    while (true) {
        std::size_t slash = raw.find('\\', pos);
        out.append(raw.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
        if (slash == std::string_view::npos) return true;
        if (slash + 1 >= raw.size()) return false;
        pos = slash + 2;
        switch (raw[slash + 1]) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case 'u': {
                auto c = unicode_escape(raw, pos);
                if (!c) return false;
                append_utf8(out, *c);
                break;
            }
            default: return false;
        }
    }
}

}  // namespace configurator
