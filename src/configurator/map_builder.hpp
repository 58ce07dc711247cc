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
    std::size_t slot_of(std::string_view key) const;  ///< its slot, or the empty slot where it would go
    void grow();

    std::deque<Map::value_type> entries_;
    std::vector<std::uint32_t> slots_;  ///< entry index + 1; 0 = empty
};

}  // namespace configurator
