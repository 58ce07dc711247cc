// The corpus output format of a loaded map (configurator-dump): one `NAME TAB TYPE TAB
// VALUE` line per key in byte order, or `error TAB TEXT`.
#pragma once

#include <string>
#include <string_view>

#include "configurator/value.hpp"

namespace configurator {

/// A string escaped as the format wants (\\ \" \n \t \r, \u{HEX} for other controls).
std::string dump_escape(std::string_view utf8);

/// `TYPE VALUE` of one value, as inside a list: `number 1/2`, `list [bool true]`.
std::string dump_typed_value(const Value& v);

/// The whole output for a map.
std::string dump_map(const Map& map);

/// The output line for an error: `error TAB TEXT LF`, each LF in TEXT written as `\n`.
std::string dump_error(std::string_view text);

}  // namespace configurator
