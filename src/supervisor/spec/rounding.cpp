// Exact rounding on cpp_rational; no floating point.
#include "supervisor/spec/rounding.hpp"

#include <algorithm>

namespace angel {
namespace {

using boost::multiprecision::cpp_int;

/// floor(num / den) for den > 0 (cpp_int division truncates toward zero).
cpp_int floor_div(const cpp_int& num, const cpp_int& den) {
    cpp_int q = num / den;
    if (q * den != num && num < 0) q -= 1;
    return q;
}

/// The low 64 bits as a signed integer: what Haskell's fromInteger gives for an Int.
std::int64_t wrap_to_int64(const cpp_int& value) {
    const cpp_int modulus = cpp_int(1) << 64;
    cpp_int low = value % modulus;  // truncates toward zero: may be negative
    if (low < 0) low += modulus;
    if (low >= (cpp_int(1) << 63)) low -= modulus;
    return low.convert_to<std::int64_t>();
}

std::int64_t clamp_to(const cpp_int& value, std::int64_t low, std::int64_t high) {
    if (value < low) return low;
    if (value > high) return high;
    return value.convert_to<std::int64_t>();
}

}  // namespace

std::int64_t round_half_even(const configurator::Rational& n) {
    const cpp_int num = boost::multiprecision::numerator(n);
    const cpp_int den = boost::multiprecision::denominator(n);  // > 0, normalised
    cpp_int q = floor_div(num, den);
    const cpp_int twice_rest = 2 * (num - q * den);  // 0 <= rest < den
    if (twice_rest > den || (twice_rest == den && q % 2 != 0)) q += 1;
    return wrap_to_int64(q);
}

std::int64_t count_instances(const configurator::Rational& n) {
    const cpp_int num = boost::multiprecision::numerator(n);
    const cpp_int den = boost::multiprecision::denominator(n);
    // floor(n + 1/2) = floor((2 num + den) / (2 den)).
    return clamp_to(floor_div(2 * num + den, 2 * den), 0, kMaxInstances);
}

}  // namespace angel
