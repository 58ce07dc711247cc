// Linear probing over a power-of-two table kept at most 3/4 full.
#include "configurator/map_builder.hpp"

namespace configurator {
namespace {

// FNV-1a over the bytes, then a 64-bit finalizer so every bit of the key reaches the
// low bits used as the slot.
std::uint32_t hash_key(std::string_view key) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return static_cast<std::uint32_t>(h);
}

constexpr std::uint64_t kIndexMask = 0xFFFFFFFFULL;

}  // namespace

MapBuilder::MapBuilder() : slots_(1024, 0) {}

std::size_t MapBuilder::slot_of(std::string_view key, std::uint32_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
        const std::uint64_t slot = slots_[s];
        if (slot == 0) return s;
        if ((slot >> 32) == hash && entries_[(slot & kIndexMask) - 1].first == key) return s;
    }
}

const Value* MapBuilder::find(std::string_view key) const {
    const std::uint64_t slot = slots_[slot_of(key, hash_key(key))];
    return slot == 0 ? nullptr : &entries_[(slot & kIndexMask) - 1].second;
}

void MapBuilder::assign(std::string_view key, Value value) {
    const std::uint32_t hash = hash_key(key);
    const std::size_t s = slot_of(key, hash);
    if (slots_[s] != 0) {
        entries_[(slots_[s] & kIndexMask) - 1].second = std::move(value);
        return;
    }
    entries_.emplace_back(std::string(key), std::move(value));
    slots_[s] = std::uint64_t{hash} << 32 | entries_.size();
    if (entries_.size() * 4 > slots_.size() * 3) grow();
}

void MapBuilder::grow() {
    std::vector<std::uint64_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (std::uint64_t slot : old) {
        if (slot == 0) continue;
        std::size_t s = (slot >> 32) & mask;
        while (slots_[s] != 0) s = (s + 1) & mask;
        slots_[s] = slot;
    }
}

Map MapBuilder::finish() {
    std::vector<std::uint64_t>().swap(slots_);
    Map m = Map::from_unique_entries(std::move(entries_));
    entries_.clear();
    slots_.assign(1024, 0);
    return m;
}

}  // namespace configurator
