// Values of a configurator file: exactly the four kinds the reference has.
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace configurator {

/// An exact number, as the reference keeps them (Haskell Rational). No double anywhere.
using Rational = boost::multiprecision::cpp_rational;

/// An exact number stored compactly: a reduced int64 fraction when it fits (nearly
/// always), else a shared immutable Rational. A cpp_rational is 64 bytes; this is 32.
class Number {
public:
    Number() = default;
    /// The integer n.
    explicit Number(std::int64_t n) : num_(n) {}
    explicit Number(const Rational& r);
    /// num/den with den > 0, reduced here.
    static Number fraction(std::int64_t num, std::int64_t den);

    /// The exact value.
    Rational rational() const;
    bool is_integer() const;
    bool is_negative() const;
    /// Numerator and denominator in decimal, the denominator at least 1 ("-5", "4").
    std::string numerator_text() const;
    std::string denominator_text() const;

    friend bool operator==(const Number& a, const Number& b);

private:
    std::int64_t num_ = 0;
    std::int64_t den_ = 1;                ///< > 0; num_/den_ reduced; unused when big_ is set
    std::shared_ptr<const Rational> big_;  ///< set only when the value does not fit num_/den_
};

class Value;
/// A list value; elements may be of mixed kinds, and lists nest.
using List = std::vector<Value>;

/// One configuration value: bool, exact number, UTF-8 string or list.
class Value {
public:
    Value() : data_(false) {}
    Value(bool b) : data_(b) {}  // NOLINT(google-explicit-constructor): values read like literals
    Value(Number n) : data_(std::move(n)) {}  // NOLINT
    Value(const Rational& r) : data_(Number(r)) {}  // NOLINT
    template <typename I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    Value(I n) : data_(Number(static_cast<std::int64_t>(n))) {}  // NOLINT
    Value(std::string s) : data_(std::move(s)) {}  // NOLINT
    Value(const char* s) : data_(std::string(s)) {}  // NOLINT
    Value(List l) : data_(std::move(l)) {}  // NOLINT

    bool is_bool() const { return std::holds_alternative<bool>(data_); }
    bool is_number() const { return std::holds_alternative<Number>(data_); }
    bool is_string() const { return std::holds_alternative<std::string>(data_); }
    bool is_list() const { return std::holds_alternative<List>(data_); }
    bool as_bool() const { return std::get<bool>(data_); }
    /// The exact number (computed from the compact form, hence by value).
    Rational as_number() const { return std::get<Number>(data_).rational(); }
    const Number& number() const { return std::get<Number>(data_); }
    const std::string& as_string() const { return std::get<std::string>(data_); }
    const List& as_list() const { return std::get<List>(data_); }

    friend bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

private:
    std::variant<bool, Number, std::string, List> data_;
};

/// For test diagnostics: `3/4`, and values as `number 3/4`, `list [bool true]`.
std::ostream& operator<<(std::ostream& os, const Number& n);
std::ostream& operator<<(std::ostream& os, const Value& v);

/// The flat map of a loaded file: dotted key -> value, iterated in byte order of the keys.
/// A sorted index over entries kept in one deque: no per-node allocation, no reallocation
/// spike while a large file is loaded (std::map costs ~40 bytes more per key).
class Map {
public:
    using key_type = std::string;
    using mapped_type = Value;
    using value_type = std::pair<std::string, Value>;
    using size_type = std::size_t;

    /// Iterates the entries in byte order of their keys.
    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Map::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = const value_type*;
        using reference = const value_type&;

        const_iterator() = default;
        reference operator*() const { return map_->entries_[map_->order_[pos_]]; }
        pointer operator->() const { return &**this; }
        reference operator[](difference_type n) const { return *(*this + n); }
        const_iterator& operator++() { ++pos_; return *this; }
        const_iterator operator++(int) { auto t = *this; ++pos_; return t; }
        const_iterator& operator--() { --pos_; return *this; }
        const_iterator operator--(int) { auto t = *this; --pos_; return t; }
        const_iterator& operator+=(difference_type n) { pos_ += n; return *this; }
        const_iterator& operator-=(difference_type n) { pos_ -= n; return *this; }
        friend const_iterator operator+(const_iterator i, difference_type n) { return i += n; }
        friend const_iterator operator+(difference_type n, const_iterator i) { return i += n; }
        friend const_iterator operator-(const_iterator i, difference_type n) { return i -= n; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
            return static_cast<difference_type>(a.pos_) - static_cast<difference_type>(b.pos_);
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.pos_ == b.pos_; }
        friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.pos_ <=> b.pos_; }

    private:
        friend class Map;
        const_iterator(const Map* m, std::size_t pos) : map_(m), pos_(pos) {}
        const Map* map_ = nullptr;
        std::size_t pos_ = 0;
    };
    using iterator = const_iterator;

    Map() = default;
    Map(std::initializer_list<value_type> init);
    /// Takes entries with distinct keys in any order and sorts an index over them.
    static Map from_unique_entries(std::deque<value_type> entries);

    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, order_.size()}; }
    size_type size() const { return order_.size(); }
    bool empty() const { return order_.empty(); }

    const_iterator find(std::string_view key) const;
    const_iterator lower_bound(std::string_view key) const;
    const_iterator upper_bound(std::string_view key) const;
    bool contains(std::string_view key) const { return find(key) != end(); }
    size_type count(std::string_view key) const { return contains(key) ? 1 : 0; }
    /// The value of `key`; throws std::out_of_range when absent.
    const Value& at(std::string_view key) const;

    /// Inserts or replaces (O(n) per new key: for tests and small maps).
    std::pair<const_iterator, bool> insert_or_assign(std::string key, Value v);
    /// Inserts when absent, like std::map::emplace.
    std::pair<const_iterator, bool> emplace(std::string key, Value v);
    std::pair<const_iterator, bool> insert(value_type kv) { return emplace(std::move(kv.first), std::move(kv.second)); }
    /// The value of `key`, inserted as `false` when absent.
    Value& operator[](std::string_view key);

    friend bool operator==(const Map& a, const Map& b);

private:
    std::deque<value_type> entries_;    ///< in insertion order
    std::vector<std::uint32_t> order_;  ///< indexes into entries_, sorted by key
};

}  // namespace configurator
