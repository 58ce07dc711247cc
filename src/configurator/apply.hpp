// Applying phase: the directives of the loaded files, in order, into the flat map.
#pragma once

#include <string>
#include <variant>

#include "configurator/file_set.hpp"
#include "configurator/load.hpp"

namespace configurator {

/// Applies the main file's directives (descending into groups and imports) as the
/// reference's flatten does, interpolating each string binding against the map so
/// far. Ends an import cycle with one error instead of looping forever. The files are
/// released before the map is sorted, to keep the peak memory down.
LoadResult apply_files(FileSet files, const std::string& main_path, const EnvLookup& env);

}  // namespace configurator
