// Values of a configurator file: exactly the four kinds the reference has.
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace configurator {

/// An exact number, as the reference keeps them (Haskell Rational). No double anywhere.
using Rational = boost::multiprecision::cpp_rational;

struct Value;
/// A list value; elements may be of mixed kinds, and lists nest.
using List = std::vector<Value>;

/// One configuration value: bool, exact number, UTF-8 string or list.
struct Value {
    std::variant<bool, Rational, std::string, List> data;

    bool is_bool() const { return std::holds_alternative<bool>(data); }
    bool is_number() const { return std::holds_alternative<Rational>(data); }
    bool is_string() const { return std::holds_alternative<std::string>(data); }
    bool is_list() const { return std::holds_alternative<List>(data); }
    bool as_bool() const { return std::get<bool>(data); }
    const Rational& as_number() const { return std::get<Rational>(data); }
    const std::string& as_string() const { return std::get<std::string>(data); }
    const List& as_list() const { return std::get<List>(data); }
};

/// The flat map of a loaded file: dotted key -> value, iterated in byte order of the keys.
using Map = std::map<std::string, Value, std::less<>>;

}  // namespace configurator
