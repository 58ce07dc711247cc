// Loading one configurator file (and everything it imports) into a flat map.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "configurator/value.hpp"

namespace configurator {

/// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv), the lookup angel itself uses.
EnvLookup process_environment();

/// A failed load: the reference's exception text, exactly as it would print it
/// (may contain line feeds, e.g. the `type error` CallStack trailer).
struct LoadError {
    std::string text;
};

/// Either the whole map or the first error, as the reference gives them.
using LoadResult = std::variant<Map, LoadError>;

/// Loads `path` the way configurator 0.3.0.0 does `load [Required path]`:
/// the path text is interpolated from the environment, the file is read as
/// UTF-8, imports are resolved relative to the importing file's path text,
/// then bindings are applied in order with interpolation. Import cycles end
/// with one error instead of running forever (a documented difference):
/// `a.cfg: import cycle: a.cfg -> b.cfg -> a.cfg`. Input beyond the limits of
/// limits.hpp (nesting, number size, file size, ...) also ends with one error.
LoadResult load(const std::string& path, const EnvLookup& env = process_environment());

}  // namespace configurator
