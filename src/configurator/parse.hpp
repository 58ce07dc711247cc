// Parsing one file's text into ops.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "configurator/parsed_file.hpp"

namespace configurator {

/// Parses file.text (valid UTF-8) into file.ops and file.imports. On failure returns the
/// error text, naming the file by `path` (its path text).
std::optional<std::string> parse_file(ParsedFile& file, std::string_view path);

}  // namespace configurator
