// Haskell's `show` for strings: how the reference quotes paths, messages and env values.
#pragma once

#include <string>
#include <string_view>

namespace configurator {

/// Haskell `show` of a String given as UTF-8: a double-quoted, pure-ASCII literal
/// (`\"`, `\\`, `\n`, `\SOH`, `\233`, `\&` separators, ...). Invalid UTF-8 bytes
/// are taken as GHC's surrogate escapes (U+DC80 + byte), as its decoder does.
std::string haskell_show(std::string_view utf8);

}  // namespace configurator
