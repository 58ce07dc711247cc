// Linear probing over a power-of-two table kept at most half full.
#include "configurator/map_builder.hpp"

namespace configurator {
namespace {

// FNV-1a, 64 bits: keys are short dotted names.
std::uint64_t hash_key(std::string_view key) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
    return h ^ (h >> 29);
}

}  // namespace

MapBuilder::MapBuilder() : slots_(1024, 0) {}

std::size_t MapBuilder::slot_of(std::string_view key) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash_key(key) & mask;; s = (s + 1) & mask) {
        const std::uint32_t e = slots_[s];
        if (e == 0 || entries_[e - 1].first == key) return s;
    }
}

const Value* MapBuilder::find(std::string_view key) const {
    const std::uint32_t e = slots_[slot_of(key)];
    return e == 0 ? nullptr : &entries_[e - 1].second;
}

void MapBuilder::assign(std::string_view key, Value value) {
    std::size_t s = slot_of(key);
    if (slots_[s] != 0) {
        entries_[slots_[s] - 1].second = std::move(value);
        return;
    }
    entries_.emplace_back(std::string(key), std::move(value));
    slots_[s] = static_cast<std::uint32_t>(entries_.size());
    if (entries_.size() * 2 > slots_.size()) grow();
}

void MapBuilder::grow() {
    std::vector<std::uint32_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t e : old) {
        if (e == 0) continue;
        std::size_t s = hash_key(entries_[e - 1].first) & mask;
        while (slots_[s] != 0) s = (s + 1) & mask;
        slots_[s] = e;
    }
}

Map MapBuilder::finish() {
    std::vector<std::uint32_t>().swap(slots_);
    Map m = Map::from_unique_entries(std::move(entries_));
    entries_.clear();
    slots_.assign(1024, 0);
    return m;
}

}  // namespace configurator
