// load(): the loading phase, then the applying phase; errors come back as values.
#include "configurator/load.hpp"

#include <cstdlib>
#include <new>
#include <utility>

#include "configurator/apply.hpp"
#include "configurator/file_set.hpp"

namespace configurator {

EnvLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const std::string key(name);  // getenv needs a C string; like GHC's, it ends at a NUL
        const char* value = std::getenv(key.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

LoadResult load(const std::string& path, const EnvLookup& env) {
    try {
        FileSet files;
        if (auto err = load_files(path, env, files)) return LoadError{*err};
        return apply_files(std::move(files), path, env);
    } catch (const std::bad_alloc&) {
        return LoadError{path + ": out of memory"};
    }
}

}  // namespace configurator
