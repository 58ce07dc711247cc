// Reading the config file (configurator::load) and building its specs.
#include "supervisor/os/config_file.hpp"

#include <exception>

#include "configurator/load.hpp"
#include "supervisor/os/password_database.hpp"
#include "supervisor/decide/start_order.hpp"
#include "supervisor/spec/build_specs.hpp"

namespace angel {

std::variant<configurator::Map, std::string> read_config_map(const std::string& path) {
    auto loaded = configurator::load(path);
    if (auto* error = std::get_if<configurator::LoadError>(&loaded)) return std::move(error->text);
    return std::move(std::get<configurator::Map>(loaded));
}

std::optional<std::string> top_level_user(const configurator::Map& map) {
    auto it = map.find("user");
    if (it == map.end() || !it->second.is_string()) return std::nullopt;
    return std::string(it->second.as_string());
}

std::optional<std::variant<std::string, std::string>> top_level_path(const configurator::Map& map,
                                                                     const std::string& key) {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    if (!it->second.is_string()) {
        return std::variant<std::string, std::string>(std::in_place_index<1>, key + ": must be a string (a path)");
    }
    return std::variant<std::string, std::string>(std::in_place_index<0>, std::string(it->second.as_string()));
}

std::optional<std::variant<ListenAddress, std::string>> top_level_metrics(const configurator::Map& map) {
    using Result = std::variant<ListenAddress, std::string>;
    constexpr const char* forms = " (\"127.0.0.1:9102\", \"[::1]:9102\", \"9102\" or an absolute unix socket path)";
    auto it = map.find("metrics");
    if (it == map.end()) return std::nullopt;
    if (!it->second.is_string()) return Result(std::in_place_index<1>, std::string("metrics: must be a string") + forms);
    const std::string text(it->second.as_string());
    auto address = parse_listen_address(text);
    if (!address) return Result(std::in_place_index<1>, "metrics: \"" + text + "\" is not an address" + forms);
    return Result(std::in_place_index<0>, std::move(*address));
}

std::optional<std::variant<std::string, std::string>> top_level_metricsfile(const configurator::Map& map) {
    auto path = top_level_path(map, "metricsfile");
    if (!path || path->index() == 1) return path;
    const std::string& text = std::get<0>(*path);
    if (text.empty() || text.back() == '/') {
        return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                      "metricsfile: \"" + text + "\" is not a file path");
    }
    return path;
}

std::variant<ProgramSpecs, std::string> program_specs_of(const std::variant<configurator::Map, std::string>& map) {
    try {
        if (auto* error = std::get_if<std::string>(&map)) return *error;
        auto built = build_specs(std::get<configurator::Map>(map), password_database_homes());
        if (auto* error = std::get_if<SpecError>(&built)) return std::move(error->text);
        // `after` is checked on the whole set, last: a name that is no program, a cycle.
        if (auto error = after_error(std::get<ProgramSpecs>(built))) return std::move(*error);
        return std::move(std::get<ProgramSpecs>(built));
    } catch (const std::exception& e) {  // e.g. memory for absurd counts: keep the last good set
        return std::string(e.what());
    }
}

std::variant<ProgramSpecs, std::string> read_program_specs(const std::string& path) {
    try {
        return program_specs_of(read_config_map(path));
    } catch (const std::exception& e) {  // memory for the map itself
        return std::string(e.what());
    }
}

}  // namespace angel
