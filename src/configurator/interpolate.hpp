// String interpolation: `$(name)` and `$$` in binding values and import paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "configurator/load.hpp"
#include "configurator/map_builder.hpp"

namespace configurator {

/// One piece of an interpolated string: literal text or a name to look up.
struct InterpolationPiece {
    bool is_name;
    std::string_view text;
};

/// Splits `s` into pieces, the whole string first (a syntax error wins over any
/// lookup). Returns the error text on a syntax error.
std::optional<std::string> parse_interpolation(std::string_view s, std::vector<InterpolationPiece>& pieces);

/// An environment variable's value as the reference sees it: bytes that are not
/// UTF-8 each become U+FFFD.
std::optional<std::string> environment_text(const EnvLookup& env, std::string_view name);

/// Expands strings, reusing its scratch buffers from one string to the next.
class Interpolator {
public:
    /// Expands a binding's string value into `out`, looking names up in `map` from the
    /// innermost scope of `prefix` ("a.b.") outwards, then in the environment.
    /// Returns the error text on failure.
    std::optional<std::string> value(std::string_view s, std::string_view prefix, const MapBuilder& map,
                                     const EnvLookup& env, std::string& out);

    /// Expands an import path (or the main path) from the environment only.
    std::optional<std::string> path(std::string_view s, const EnvLookup& env, std::string& out);

private:
    std::vector<InterpolationPiece> pieces_;
    std::string key_;
};

/// One-off forms of Interpolator::value and Interpolator::path.
std::optional<std::string> interpolate_value(std::string_view s, std::string_view prefix, const MapBuilder& map,
                                             const EnvLookup& env, std::string& out);
std::optional<std::string> interpolate_path(std::string_view s, const EnvLookup& env, std::string& out);

}  // namespace configurator
