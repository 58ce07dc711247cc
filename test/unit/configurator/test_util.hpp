// Helpers shared by the configurator tests: temporary directories of files, a fixed
// environment, and loading to the corpus output text.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <unistd.h>

#include "configurator/dump_format.hpp"
#include "configurator/errors.hpp"
#include "configurator/load.hpp"

namespace configurator::test {

/// A temporary directory, removed with its contents at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "cfgtest.XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// Writes `content` to `name` (subdirectories created) and returns its full path.
    std::string write(const std::string& name, const std::string& content) const {
        const auto p = path_ / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    std::string path(const std::string& name = "") const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

/// The corpus's environment (a subset), as an EnvLookup.
inline EnvLookup fixed_env() {
    static const std::map<std::string, std::string, std::less<>> vars = {
        {"HOME", "/home/test"}, {"CFGTEST", "hello"}, {"EMPTY", ""},
        {"CFGSUB", "sub"},      {"CFGDOLLAR", "$(HOME)"}, {"BAD", "a\xFF" "b"}};
    return [](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

/// Loads `path` and renders the result as configurator-dump would.
inline std::string dump(const std::string& path) {
    LoadResult r = load(path, fixed_env());
    if (auto* e = std::get_if<LoadError>(&r)) return dump_error(e->text);
    return dump_map(std::get<Map>(r));
}

/// Writes `content` as main.cfg of a fresh directory and loads it by its full path.
inline std::string dump_text(const std::string& content) {
    TempDir dir;
    return dump(dir.write("main.cfg", content));
}

/// The error text of loading `path`, or "" when it loads.
inline std::string load_error(const std::string& path) {
    LoadResult r = load(path, fixed_env());
    if (auto* e = std::get_if<LoadError>(&r)) return e->text;
    return "";
}

/// Runs `body` with the working directory set to `dir`, so paths stay relative.
template <typename F>
auto in_directory(const std::string& dir, F body) {
    const auto old = std::filesystem::current_path();
    std::filesystem::current_path(dir);
    auto result = body();
    std::filesystem::current_path(old);
    return result;
}

}  // namespace configurator::test
