// The flat map while bindings are applied: entries in a deque (stable, no reallocation
// spike) and an open-addressing hash index over them for the last-binding-wins
// replacement and interpolation's lookups.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "configurator/value.hpp"

namespace configurator {

class MapBuilder {
public:
    MapBuilder();

    /// The value bound to `key` so far, or nullptr.
    const Value* find(std::string_view key) const;
    /// Binds `key`, replacing any earlier value.
    void assign(std::string_view key, Value value);
    /// The finished map, sorted by key. The builder is left empty.
    Map finish();

private:
    /// The slot holding `key`, or the empty slot where it would go.
    std::size_t slot_of(std::string_view key, std::uint32_t hash) const;
    void grow();

    std::deque<Map::value_type> entries_;
    /// Per slot: the key's 32-bit hash << 32 | (entry index + 1); 0 = empty. The stored
    /// hash spares most key comparisons and lets the table grow without reading keys.
    std::vector<std::uint64_t> slots_;
};

}  // namespace configurator
