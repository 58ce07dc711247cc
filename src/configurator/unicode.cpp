// Character classes by binary search over generated range tables, ASCII first.
#include "configurator/unicode.hpp"

#include <algorithm>
#include <iterator>

namespace configurator {
namespace {

struct CodePointRange {
    char32_t first;
    char32_t last;
};

#include "configurator/unicode_tables.inc"

template <std::size_t N>
bool in_ranges(const CodePointRange (&table)[N], char32_t c) {
    auto it = std::upper_bound(std::begin(table), std::end(table), c,
                               [](char32_t v, const CodePointRange& r) { return v < r.first; });
    return it != std::begin(table) && c <= std::prev(it)->last;
}

bool is_ascii_letter(char32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

}  // namespace

bool is_letter(char32_t c) noexcept {
    if (c < 0x80) return is_ascii_letter(c);
    return in_ranges(kLetterRanges, c);
}

bool is_letter_or_number(char32_t c) noexcept {
    if (c < 0x80) return is_ascii_letter(c) || (c >= '0' && c <= '9');
    return in_ranges(kLetterRanges, c) || in_ranges(kNumberRanges, c);
}

bool is_space(char32_t c) noexcept {
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    return in_ranges(kSpaceSeparatorRanges, c);
}

}  // namespace configurator
