// Helpers for the supervisor unit tests: hand-built config maps and a fake passwd.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/test/unit_test.hpp>

#include "configurator/value.hpp"
#include "supervisor/spec/build_specs.hpp"

namespace angel::test {

inline configurator::Value str(std::string s) { return configurator::Value{std::move(s)}; }

/// The exact number n / d.
inline configurator::Value num(std::int64_t n, std::int64_t d = 1) {
    const configurator::Rational exact = configurator::Rational(n) / d;
    return configurator::Value{exact};
}

inline configurator::Value boolean(bool b) { return configurator::Value{b}; }

inline configurator::Value list(configurator::List items = {}) {
    return configurator::Value{std::move(items)};
}

/// A password database with `me` (the effective user, /home/me) and root.
inline std::optional<std::string> fake_homes(std::string_view user) {
    if (user.empty() || user == "me") return std::string("/home/me");
    if (user == "root") return std::string("/root");
    return std::nullopt;
}

/// The error text build_specs reports, or "<no error>".
inline std::string error_of(const configurator::Map& map) {
    auto result = build_specs(map, fake_homes);
    if (auto* error = std::get_if<SpecError>(&result)) return error->text;
    return "<no error>";
}

/// The specs build_specs builds; fails the test case (showing the error) if it fails.
inline ProgramSpecs specs_of(const configurator::Map& map) {
    auto result = build_specs(map, fake_homes);
    if (auto* error = std::get_if<SpecError>(&result)) BOOST_FAIL("unexpected: " + error->text);
    return std::get<ProgramSpecs>(result);
}

/// The trailer GHC 9 appends to angel's `error` calls.
inline std::string trailer(std::string_view position) {
    return "\nCallStack (from HasCallStack):\n  error, called at src/Angel/Config.hs:" +
           std::string(position) + " in main:Angel.Config";
}

}  // namespace angel::test
