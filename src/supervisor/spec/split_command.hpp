// How the reference turns `exec` and `logger` into an argv (spec 5.1).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace angel {

/// Haskell's Data.Char.isSpace (GHC 9.0): ASCII space, TAB, LF, VT, FF, CR, U+00A0,
/// and the other Unicode space separators (category Zs).
bool is_haskell_space(char32_t c);

/// Splits on single ASCII spaces, strips each piece of leading and trailing
/// is_haskell_space characters (UTF-8 decoded), drops empty pieces. No quoting.
/// The first piece is the program to run; an empty result means "nothing to run".
/// Bytes that are not valid UTF-8 are kept as they are.
std::vector<std::string> split_command(std::string_view command);

}  // namespace angel
