// FNV-1 of Text and the HAMT iteration order.
#include "supervisor/spec/env_order.hpp"

#include <algorithm>
#include <utility>

#include "configurator/utf8.hpp"

namespace angel {
namespace {

constexpr std::uint64_t kFnvPrime = 0x100000001B3ULL;
constexpr std::uint64_t kDefaultSalt = 0xCBF29CE484222325ULL;

/// The UTF-16 code units of a text, as text 1.2.5.0 stores it.
std::u16string utf16_units(std::string_view utf8) {
    std::u16string units;
    for (char32_t c : configurator::decode_utf8_lossless(utf8)) {
        if (c >= 0x10000) {
            c -= 0x10000;
            units.push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
            units.push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
        } else {
            units.push_back(static_cast<char16_t>(c));
        }
    }
    return units;
}

}  // namespace

std::uint64_t text_hash(std::string_view utf8) {
    const std::u16string units = utf16_units(utf8);
    // hashWithSalt mixes the length in first, then the bytes of the array.
    std::uint64_t h = (kDefaultSalt * kFnvPrime) ^ static_cast<std::uint64_t>(units.size());
    for (char16_t u : units) {
        h = (h * kFnvPrime) ^ static_cast<std::uint64_t>(u & 0xFF);
        h = (h * kFnvPrime) ^ static_cast<std::uint64_t>(u >> 8);
    }
    return h;
}

std::uint64_t trie_rank(std::uint64_t hash) {
    // Chunks c0..c11 are 5 bits, c12 the last 4 bits: 64 bits in all, c0 on top.
    std::uint64_t rank = 0;
    for (int i = 0; i < 12; ++i) rank = (rank << 5) | ((hash >> (5 * i)) & 31);
    return (rank << 4) | (hash >> 60);
}

std::uint64_t hash_map_rank(std::string_view utf8_key) { return trie_rank(text_hash(utf8_key)); }

void sort_in_hash_map_order(std::vector<std::string>& keys) {
    std::vector<std::pair<std::uint64_t, std::string>> ranked;
    ranked.reserve(keys.size());
    for (std::string& key : keys) ranked.emplace_back(hash_map_rank(key), std::move(key));
    std::sort(ranked.begin(), ranked.end());
    keys.clear();
    for (auto& [rank, key] : ranked) keys.push_back(std::move(key));
}

std::vector<EnvEntry> logged_env_order(std::string_view id,
                                       const std::map<std::string, std::string>& env) {
    const std::string prefix = std::string(id) + ".env.";
    std::vector<std::pair<std::uint64_t, const std::pair<const std::string, std::string>*>>
        ranked;
    ranked.reserve(env.size());
    for (const auto& entry : env) ranked.emplace_back(hash_map_rank(prefix + entry.first), &entry);
    // The loader prepends each variable while walking the map: reverse iteration order.
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<EnvEntry> list;
    list.reserve(ranked.size());
    for (const auto& [rank, entry] : ranked) list.emplace_back(entry->first, entry->second);
    return list;
}

}  // namespace angel
