// Compact exact numbers and the sorted flat map.
#include "configurator/value.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <ostream>
#include <stdexcept>

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
