// Every (state, event) cell of a transition table, for a data-driven test case per cell.
#pragma once

#include <array>
#include <cstddef>
#include <ostream>
#include <vector>

namespace angel::test {

template <typename S, typename E>
struct TableCell {
    S state;
    E event;
    friend std::ostream& operator<<(std::ostream& os, const TableCell& c) {
        return os << name_of(c.state) << " x " << name_of(c.event);
    }
};

template <typename S, typename E, std::size_t NS, std::size_t NE>
std::vector<TableCell<S, E>> all_cells(const std::array<S, NS>& states, const std::array<E, NE>& events) {
    std::vector<TableCell<S, E>> cells;
    for (S s : states) {
        for (E e : events) cells.push_back({s, e});
    }
    return cells;
}

}  // namespace angel::test
