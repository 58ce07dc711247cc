// The values of the opt-in policy keys of a program: `stopsignal`, `restart`, `okexit`, `after`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "configurator/value.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// The signal number of a `stopsignal` name ("TERM", "QUIT", ...), or nullopt.
std::optional<int> stop_signal_number(std::string_view name);

/// The policy a `restart` value names ("always", "on-failure", "never"), or nullopt.
std::optional<RestartPolicy> restart_policy_of(std::string_view name);

/// The `restart` value's name, as written in a config.
std::string_view name_of(RestartPolicy policy);

/// The exit statuses of an `okexit` value (a status 0..255 or a non-empty list), or nullopt.
std::optional<std::vector<int>> okexit_of(const configurator::Value& value);

/// The names of an `after` value (a non-empty string or a non-empty list of them), sorted,
/// each once; or nullopt. Whether each names a program is checked on the whole set.
std::optional<std::vector<std::string>> after_names_of(const configurator::Value& value);

}  // namespace angel
