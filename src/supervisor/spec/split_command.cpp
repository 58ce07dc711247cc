// Splitting a command line the way Angel.Util.split + strip do.
#include "supervisor/spec/split_command.hpp"

#include "configurator/utf8.hpp"

namespace angel {
namespace {

/// Re-encodes decoded text; U+DC80..U+DCFF (escaped invalid bytes) become the bytes again.
std::string encode_back(std::u32string_view text) {
    std::string out;
    for (char32_t c : text) {
        if (c >= 0xDC80 && c <= 0xDCFF) {
            out.push_back(static_cast<char>(c - 0xDC00));
        } else {
            configurator::append_utf8(out, c);
        }
    }
    return out;
}

std::u32string_view strip(std::u32string_view piece) {
    while (!piece.empty() && is_haskell_space(piece.front())) piece.remove_prefix(1);
    while (!piece.empty() && is_haskell_space(piece.back())) piece.remove_suffix(1);
    return piece;
}

}  // namespace

bool is_haskell_space(char32_t c) {
    if (c <= 0x377) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == 0xA0;
    // General category Zs (Unicode 12, as in GHC 9.0) above U+0377.
    return c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

std::vector<std::string> split_command(std::string_view command) {
    const std::u32string text = configurator::decode_utf8_lossless(command);
    std::vector<std::string> pieces;
    std::u32string_view rest = text;
    while (true) {
        const std::size_t space = rest.find(U' ');
        const std::u32string_view piece = strip(rest.substr(0, space));
        if (!piece.empty()) pieces.push_back(encode_back(piece));
        if (space == std::u32string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    return pieces;
}

}  // namespace angel
