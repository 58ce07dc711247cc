// Compact exact numbers and the sorted flat map.
#include "configurator/value.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <ostream>
#include <stdexcept>
#include <variant>

#include "configurator/dump_format.hpp"

namespace configurator {
namespace {

bool fits_int64(const boost::multiprecision::cpp_int& n) {
    return n >= std::numeric_limits<std::int64_t>::min() && n <= std::numeric_limits<std::int64_t>::max();
}

}  // namespace

Number::Number(const Rational& r) {
    const auto& num = boost::multiprecision::numerator(r);
    const auto& den = boost::multiprecision::denominator(r);
    if (fits_int64(num) && fits_int64(den)) {
        num_ = static_cast<std::int64_t>(num);
        den_ = static_cast<std::int64_t>(den);
    } else {
        big_ = std::make_shared<const Rational>(r);
    }
}

Number Number::fraction(std::int64_t num, std::int64_t den) {
    Number n;
    const std::int64_t g = std::gcd(num, den);
    n.num_ = num / g;
    n.den_ = den / g;
    return n;
}

Rational Number::rational() const {
    if (big_) return *big_;
    Rational r(num_);
    if (den_ != 1) r /= den_;
    return r;
}

bool Number::is_integer() const {
    return big_ ? boost::multiprecision::denominator(*big_) == 1 : den_ == 1;
}

bool Number::is_negative() const { return big_ ? *big_ < 0 : num_ < 0; }

std::string Number::numerator_text() const {
    return big_ ? boost::multiprecision::numerator(*big_).str() : std::to_string(num_);
}

std::string Number::denominator_text() const {
    return big_ ? boost::multiprecision::denominator(*big_).str() : std::to_string(den_);
}

bool operator==(const Number& a, const Number& b) {
    // A value that fits is always stored small, so the forms compare directly.
    if (a.big_ || b.big_) return a.big_ && b.big_ && *a.big_ == *b.big_;
    return a.num_ == b.num_ && a.den_ == b.den_;
}

namespace {

constexpr std::uint32_t kMaxInlineDenominator = std::numeric_limits<std::uint32_t>::max();

// Out-of-line sizes are kept in 32 bits: far above what a load can produce (a file is
// at most kMaxFileBytes, all interpolation kMaxInterpolatedBytes).
std::uint32_t checked_size(std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("configurator::Value: too large");
    return static_cast<std::uint32_t>(n);
}

}  // namespace

Value::Value(const Number& n) {
    if (!n.big_ && static_cast<std::uint64_t>(n.den_) <= kMaxInlineDenominator) {
        rep_.l = Long{Kind::number, false, static_cast<std::uint32_t>(n.den_), {}};
        rep_.l.num = n.num_;
    } else {
        rep_.l = Long{Kind::big_number, false, 0, {}};
        rep_.l.big = new Number(n);
    }
}

Value::Value(std::string_view s) { init_string(s); }

void Value::init_string(std::string_view s) {
    if (s.size() <= kShortChars) {
        rep_.s = Short{Kind::short_string, static_cast<std::uint8_t>(s.size()), {}};
        std::memcpy(rep_.s.chars, s.data(), s.size());
    } else {
        rep_.l = Long{Kind::long_string, false, checked_size(s.size()), {}};
        rep_.l.chars = std::allocator<char>().allocate(s.size());
        std::memcpy(rep_.l.chars, s.data(), s.size());
    }
}

Value::Value(List l) {
    rep_.l = Long{Kind::list, false, checked_size(l.size()), {}};
    rep_.l.elems = nullptr;
    if (l.empty()) return;
    // An exact-size array: a vector would keep its spare capacity and 24 more bytes.
    rep_.l.elems = std::allocator<Value>().allocate(l.size());
    std::uninitialized_move(l.begin(), l.end(), rep_.l.elems);
}

Value::Value(const Value& other) { copy_from(other); }

Value& Value::operator=(const Value& other) {
    if (this != &other) {
        Value copy(other);  // may throw: this stays as it was
        *this = std::move(copy);
    }
    return *this;
}

Value& Value::operator=(Value&& other) noexcept {
    if (this != &other) {
        release();
        rep_ = other.rep_;
        other.rep_.l = Long{Kind::boolean, false, 0, {}};
    }
    return *this;
}

void Value::copy_from(const Value& other) {
    switch (other.kind()) {
        case Kind::big_number:
            rep_.l = Long{Kind::big_number, false, 0, {}};
            rep_.l.big = new Number(*other.rep_.l.big);
            return;
        case Kind::long_string: init_string(other.as_string()); return;
        case Kind::list: {
            const std::span<const Value> elems = other.as_list();
            rep_.l = Long{Kind::list, false, other.rep_.l.size, {}};
            rep_.l.elems = nullptr;
            if (elems.empty()) return;
            Value* copy = std::allocator<Value>().allocate(elems.size());
            try {
                std::uninitialized_copy(elems.begin(), elems.end(), copy);
            } catch (...) {
                std::allocator<Value>().deallocate(copy, elems.size());
                throw;
            }
            rep_.l.elems = copy;
            return;
        }
        default: rep_ = other.rep_; return;  // all inline
    }
}

void Value::release() noexcept {
    switch (kind()) {
        case Kind::big_number: delete rep_.l.big; break;
        case Kind::long_string: std::allocator<char>().deallocate(rep_.l.chars, rep_.l.size); break;
        case Kind::list:
            if (rep_.l.elems != nullptr) {
                std::destroy_n(rep_.l.elems, rep_.l.size);
                std::allocator<Value>().deallocate(rep_.l.elems, rep_.l.size);
            }
            break;
        default: break;
    }
}

bool Value::as_bool() const {
    if (!is_bool()) throw std::bad_variant_access();
    return rep_.l.flag;
}

Number Value::number() const {
    if (kind() == Kind::big_number) return *rep_.l.big;
    if (kind() != Kind::number) throw std::bad_variant_access();
    Number n;  // stored reduced, so no gcd here
    n.num_ = rep_.l.num;
    n.den_ = rep_.l.size;
    return n;
}

std::string_view Value::as_string() const {
    if (kind() == Kind::short_string) return {rep_.s.chars, rep_.s.size};
    if (kind() != Kind::long_string) throw std::bad_variant_access();
    return {rep_.l.chars, rep_.l.size};
}

std::span<const Value> Value::as_list() const {
    if (!is_list()) throw std::bad_variant_access();
    return {rep_.l.elems, rep_.l.size};
}

bool operator==(const Value& a, const Value& b) {
    // Each value has one form (inline whenever it fits), so kinds compare directly.
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::boolean: return a.rep_.l.flag == b.rep_.l.flag;
        case Value::Kind::number: return a.rep_.l.num == b.rep_.l.num && a.rep_.l.size == b.rep_.l.size;
        case Value::Kind::big_number: return *a.rep_.l.big == *b.rep_.l.big;
        case Value::Kind::short_string:
        case Value::Kind::long_string: return a.as_string() == b.as_string();
        case Value::Kind::list: {
            const auto x = a.as_list();
            const auto y = b.as_list();
            return std::equal(x.begin(), x.end(), y.begin(), y.end());
        }
    }
    return false;
}

std::ostream& operator<<(std::ostream& os, const Number& n) {
    return os << n.numerator_text() << '/' << n.denominator_text();
}

std::ostream& operator<<(std::ostream& os, const Value& v) { return os << dump_typed_value(v); }

Map::Map(std::initializer_list<value_type> init) {
    for (const auto& kv : init) insert_or_assign(kv.first, kv.second);
}

Map Map::from_unique_entries(std::deque<value_type> entries) {
    Map m;
    m.entries_ = std::move(entries);
    // Sort the index by key, comparing the first 8 bytes of each key as one big-endian
    // number first: most comparisons end there without reaching into the entries.
    // (Kept apart from the index so the sort's extra memory is 8 bytes per key.)
    std::vector<std::uint64_t> prefix(m.entries_.size());
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const std::string& k = m.entries_[i].first;
        std::uint64_t v = 0;
        for (std::size_t b = 0; b < 8; ++b) v = v << 8 | (b < k.size() ? static_cast<unsigned char>(k[b]) : 0);
        prefix[i] = v;
    }
    m.order_.resize(m.entries_.size());
    for (std::uint32_t i = 0; i < m.order_.size(); ++i) m.order_[i] = i;
    std::sort(m.order_.begin(), m.order_.end(), [&m, &prefix](std::uint32_t a, std::uint32_t b) {
        if (prefix[a] != prefix[b]) return prefix[a] < prefix[b];
        return m.entries_[a].first < m.entries_[b].first;
    });
    return m;
}

Map::const_iterator Map::lower_bound(std::string_view key) const {
    auto it = std::lower_bound(order_.begin(), order_.end(), key,
                               [this](std::uint32_t i, std::string_view k) { return entries_[i].first < k; });
    return {this, static_cast<std::size_t>(it - order_.begin())};
}

Map::const_iterator Map::upper_bound(std::string_view key) const {
    auto it = std::upper_bound(order_.begin(), order_.end(), key,
                               [this](std::string_view k, std::uint32_t i) { return k < entries_[i].first; });
    return {this, static_cast<std::size_t>(it - order_.begin())};
}

Map::const_iterator Map::find(std::string_view key) const {
    auto it = lower_bound(key);
    return (it != end() && it->first == key) ? it : end();
}

const Value& Map::at(std::string_view key) const {
    auto it = find(key);
    if (it == end()) throw std::out_of_range("configurator::Map::at: no such key");
    return it->second;
}

std::pair<Map::const_iterator, bool> Map::emplace(std::string key, Value v) {
    auto it = lower_bound(key);
    if (it != end() && it->first == key) return {it, false};
    entries_.emplace_back(std::move(key), std::move(v));
    order_.insert(order_.begin() + static_cast<std::ptrdiff_t>(it.pos_),
                  static_cast<std::uint32_t>(entries_.size() - 1));
    return {it, true};
}

std::pair<Map::const_iterator, bool> Map::insert_or_assign(std::string key, Value v) {
    auto it = lower_bound(key);
    if (it != end() && it->first == key) {
        entries_[order_[it.pos_]].second = std::move(v);
        return {it, false};
    }
    return emplace(std::move(key), std::move(v));
}

Value& Map::operator[](std::string_view key) {
    auto [it, inserted] = emplace(std::string(key), Value());
    return entries_[order_[it.pos_]].second;
}

bool operator==(const Map& a, const Map& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace configurator
