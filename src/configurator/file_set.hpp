// Loading phase: every file read and parsed before any binding is applied.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "configurator/load.hpp"
#include "configurator/parsed_file.hpp"
#include "configurator/read_file.hpp"

namespace configurator {

/// All files of one load, by the path text (after interpolation) they were reached by.
struct FileSet {
    struct Parsed {
        ParsedFile file;
        FileIdentity identity;
    };
    struct Entry {
        std::size_t parsed;    ///< index into `parsed`
        std::size_t sequence;  ///< order in which the path text was first loaded
    };

    std::vector<std::unique_ptr<Parsed>> parsed;  ///< one per distinct file (by identity)
    std::unordered_map<std::string, Entry> by_path;
    std::size_t total_ops = 0;
    std::size_t total_bytes = 0;  ///< files read and path texts reached, against kMaxLoadBytes

    const Entry* find(std::string_view path) const;
};

/// The reference's `relativize`: `child` if it starts with '/', else the directory
/// part of `parent` (up to its last '/') followed by `child`. `child` is not empty.
std::string relativize(std::string_view parent, std::string_view child);

/// Reads and parses `main_path` and, depth first in import order, every file it
/// imports, as the reference's loadFiles does. Returns the first error's text.
std::optional<std::string> load_files(const std::string& main_path, const EnvLookup& env, FileSet& files);

}  // namespace configurator
