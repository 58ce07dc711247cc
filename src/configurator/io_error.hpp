// GHC's rendering of an IOError, which the reference prints for every failed file operation.
#pragma once

#include <string>
#include <string_view>

namespace configurator {

/// GHC's description of an errno: "does not exist (No such file or directory)".
std::string io_error_description(int err);

/// A whole IOError text: "PATH: LOCATION: DESCRIPTION", e.g.
/// "a.conf: openFile: does not exist (No such file or directory)".
std::string io_error_text(std::string_view path, std::string_view location, int err);

}  // namespace configurator
