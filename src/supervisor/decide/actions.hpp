// A transition's actions: a short, fixed-capacity list, so that a step allocates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace angel {

/// At most N actions of type A, in the order they are to be carried out.
template <typename A, std::size_t N>
class ActionList {
public:
    void push(A action) { items_.at(size_++) = action; }  // at(): a table that outgrows N is a bug
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const A& operator[](std::size_t i) const { return items_[i]; }
    const A* begin() const { return items_.data(); }
    const A* end() const { return items_.data() + size_; }

private:
    std::array<A, N> items_{};
    std::size_t size_ = 0;
};

}  // namespace angel
