// Values of a configurator file: exactly the four kinds the reference has.
#pragma once

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
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

    friend class Value;  // stores the parts in its own compact form
};

class Value;
/// How a list value is built: Value(List) keeps its elements in an exact-size array,
/// and as_list() gives them back as a span. Elements may be of mixed kinds; lists nest.
using List = std::vector<Value>;

/// One configuration value: bool, exact number, UTF-8 string or list, in 16 bytes (a
/// loaded file holds one per key and list element). Inline: bools, numbers whose
/// reduced denominator fits 32 bits, strings of up to 14 bytes. Out of line, owned and
/// deep-copied: longer strings, list elements, other numbers.
class Value {
public:
    Value() noexcept : Value(false) {}
    Value(bool b) noexcept { rep_.l = Long{Kind::boolean, b, 0, {}}; }  // NOLINT(google-explicit-constructor): values read like literals
    Value(const Number& n);  // NOLINT
    Value(const Rational& r) : Value(Number(r)) {}  // NOLINT
    template <typename I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    Value(I n) : Value(Number(static_cast<std::int64_t>(n))) {}  // NOLINT
    Value(std::string_view s);  // NOLINT
    Value(const std::string& s) : Value(std::string_view(s)) {}  // NOLINT
    Value(const char* s) : Value(std::string_view(s)) {}  // NOLINT
    Value(List l);  // NOLINT

    Value(const Value& other);
    Value(Value&& other) noexcept : rep_(other.rep_) { other.rep_.l = Long{Kind::boolean, false, 0, {}}; }
    Value& operator=(const Value& other);
    Value& operator=(Value&& other) noexcept;
    ~Value() { release(); }

    bool is_bool() const { return kind() == Kind::boolean; }
    bool is_number() const { return kind() == Kind::number || kind() == Kind::big_number; }
    bool is_string() const { return kind() == Kind::short_string || kind() == Kind::long_string; }
    bool is_list() const { return kind() == Kind::list; }
    // Each as_* throws std::bad_variant_access on another kind (as std::get did).
    bool as_bool() const;
    /// The exact number (computed from the compact form, hence by value).
    Rational as_number() const { return number().rational(); }
    Number number() const;
    /// Valid while this value lives unchanged.
    std::string_view as_string() const;
    /// The elements; valid while this value lives unchanged.
    std::span<const Value> as_list() const;

    friend bool operator==(const Value& a, const Value& b);

private:
    enum class Kind : std::uint8_t { boolean, number, big_number, short_string, long_string, list };
    static constexpr std::size_t kShortChars = 14;

    struct Short {
        Kind kind;
        std::uint8_t size;
        char chars[kShortChars];
    };
    struct Long {
        Kind kind;
        bool flag;           ///< the bool of a boolean
        std::uint32_t size;  ///< number: the denominator; long string: bytes; list: elements
        union {
            std::int64_t num;  ///< number: the numerator
            char* chars;       ///< long string (no terminating NUL)
            Value* elems;      ///< list (nullptr when empty)
            Number* big;       ///< big_number
        };
    };
    // Both structs start with the kind, so it can be read through either member.
    union Rep {
        Short s;
        Long l;
    };

    Kind kind() const { return rep_.s.kind; }
    void release() noexcept;
    void copy_from(const Value& other);
    void init_string(std::string_view s);

    Rep rep_;
};
static_assert(sizeof(Value) == 16);

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
