// Reading the config file: the one place a config is loaded, once at start-up (for
// `user`, the pidfile, the control socket and the first load) and at every reload.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "configurator/value.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// The flat key map, or the Config Error text.
std::variant<configurator::Map, std::string> read_config_map(const std::string& path);

/// The top-level `user` of a config map, when it is a string (spec 2.2).
std::optional<std::string> top_level_user(const configurator::Map& map);

/// A top-level string key that names a path: nullopt when absent; the error line
/// (`KEY: must be a string (a path)`) when it is not a string.
std::optional<std::variant<std::string, std::string>> top_level_path(const configurator::Map& map,
                                                                     const std::string& key);

/// The top-level `metrics` key: nullopt when absent; the address, or the error line
/// (`metrics: "x" is not an address ...`). Read once, at start-up.
std::optional<std::variant<ListenAddress, std::string>> top_level_metrics(const configurator::Map& map);

/// The top-level `metricsfile` key: nullopt when absent; the path, or the error line.
std::optional<std::variant<std::string, std::string>> top_level_metricsfile(const configurator::Map& map);

/// The desired program set, or the Config Error text. `~` is looked up in the real
/// password database. Never throws: memory for an absurd config is an error text,
/// and the last good set stays.
std::variant<ProgramSpecs, std::string> read_program_specs(const std::string& path);

/// The same from a map already read (or its read's error text): start-up reads the file
/// once and uses that map for `user`, the pidfile, the control socket and the first load.
std::variant<ProgramSpecs, std::string> program_specs_of(const std::variant<configurator::Map, std::string>& map);

}  // namespace angel
