// Exact number literals, and Haskell's rendering of a Rational rounded to Double.
#include "configurator/number.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "configurator/limits.hpp"

namespace configurator {
namespace {

using boost::multiprecision::cpp_int;

// A literal split into its parts: sign, all digits (integer then fraction), and the
// decimal exponent to apply to them (written exponent minus fraction digits).
struct Literal {
    bool negative = false;
    std::string digits;
    long exponent = 0;
};

Literal split(std::string_view s) {
    Literal lit;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) lit.negative = s[i++] == '-';
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) lit.digits.push_back(s[i]);
    long fraction_digits = 0;
    if (i < s.size() && s[i] == '.') {
        for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++fraction_digits) lit.digits.push_back(s[i]);
    }
    long written = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool negative = false;
        if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
        for (; i < s.size(); ++i) {
            written = std::min(written * 10 + (s[i] - '0'), 1'000'000'000L);  // callers check limits first
        }
        if (negative) written = -written;
    }
    lit.exponent = written - fraction_digits;
    return lit;
}

long written_exponent(std::string_view s) {
    auto e = s.find_first_of("eE");
    if (e == std::string_view::npos) return 0;
    long written = 0;
    for (char c : s.substr(e + 1)) {
        if (c >= '0' && c <= '9') written = std::min(written * 10 + (c - '0'), 1'000'000'000L);
    }
    return written;
}

cpp_int pow10(long n) {
    cpp_int r = 1;
    cpp_int base = 10;
    for (; n > 0; n >>= 1, base *= base) {
        if (n & 1) r *= base;
    }
    return r;
}

constexpr std::array<std::int64_t, 19> kPow10 = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000,
    100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
    10000000000000000, 100000000000000000, 1000000000000000000};

// The nearest double to an exact rational, ties to even: an exact (or, past ~800
// significant digits, sticky-rounded) decimal string given to strtod, which rounds
// correctly. 800 digits suffice: every midpoint between doubles has fewer.
double nearest_double(const Rational& r) {
    cpp_int n = boost::multiprecision::numerator(r);
    const cpp_int& d = boost::multiprecision::denominator(r);
    const bool negative = n < 0;
    if (negative) n = -n;
    if (n == 0) return 0.0;
    const long n_digits = static_cast<long>(n.str().size());
    const long d_digits = static_cast<long>(d.str().size());
    const long scale = std::max(0L, 800 + d_digits - n_digits);
    cpp_int q, rem;
    boost::multiprecision::divide_qr(cpp_int(n * pow10(scale)), d, q, rem);
    std::string text = negative ? "-" : "";
    text += q.str();
    long exponent = -scale;
    if (rem != 0) {
        text += '1';
        --exponent;
    }
    text += 'e' + std::to_string(exponent);
    return std::strtod(text.c_str(), nullptr);
}

}  // namespace

bool number_literal_within_limits(std::string_view literal) {
    std::size_t digits = 0;
    for (char c : literal) {
        if (c == 'e' || c == 'E') break;
        if (c >= '0' && c <= '9') ++digits;
    }
    return digits <= kMaxNumberDigits && written_exponent(literal) <= kMaxNumberExponent;
}

Number number_from_literal(std::string_view literal) {
    Literal lit = split(literal);
    // Strip leading zeros: they change neither the value nor which path fits.
    std::size_t first = lit.digits.find_first_not_of('0');
    if (first == std::string::npos) return Number(0);
    std::string_view digits = std::string_view(lit.digits).substr(first);
    // Fast path: at most 18 digits and a small exponent fit int64 arithmetic.
    if (digits.size() <= 18 && lit.exponent <= 0 && lit.exponent >= -18) {
        std::int64_t m = 0;
        for (char c : digits) m = m * 10 + (c - '0');
        if (lit.negative) m = -m;
        return Number::fraction(m, kPow10[static_cast<std::size_t>(-lit.exponent)]);
    }
    if (lit.exponent >= 0 && digits.size() + static_cast<std::size_t>(lit.exponent) <= 18) {
        std::int64_t m = 0;
        for (char c : digits) m = m * 10 + (c - '0');
        m *= kPow10[static_cast<std::size_t>(lit.exponent)];
        return Number(lit.negative ? -m : m);
    }
    cpp_int m{std::string(digits)};
    if (lit.negative) m = -m;
    if (lit.exponent >= 0) return Number(Rational(m * pow10(lit.exponent)));
    Rational r(m);
    r /= Rational(pow10(-lit.exponent));  // (Rational(a, b) does not take two cpp_ints as a fraction)
    return Number(r);
}

std::string haskell_show_double(double d) {
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
    std::array<char, 64> buf{};
    auto res = std::to_chars(buf.data(), buf.data() + buf.size(), std::fabs(d), std::chars_format::scientific);
    std::string_view sci(buf.data(), static_cast<std::size_t>(res.ptr - buf.data()));
    // sci is "D[.DDD]e[+-]XX": the digits, and x = 0.DDDD * 10^e with e = XX + 1.
    const auto e_pos = sci.find('e');
    std::string digits(1, sci[0]);
    if (e_pos > 1) digits += sci.substr(2, e_pos - 2);
    int e = 0;
    std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+'), sci.data() + sci.size(), e);
    e += 1;
    std::string out = d < 0 ? "-" : "";
    if (e >= 0 && e <= 7) {
        if (e == 0) return out + "0." + digits;
        std::string whole = digits.substr(0, std::min<std::size_t>(digits.size(), static_cast<std::size_t>(e)));
        whole.resize(static_cast<std::size_t>(e), '0');
        std::string rest = digits.size() > static_cast<std::size_t>(e) ? digits.substr(static_cast<std::size_t>(e)) : "0";
        return out + whole + "." + rest;
    }
    out += digits[0];
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : "0";
    out += 'e';
    out += std::to_string(e - 1);
    return out;
}

std::string interpolation_text(const Number& n) {
    if (n.is_integer()) return n.numerator_text();
    return haskell_show_double(nearest_double(n.rational()));
}

}  // namespace configurator
