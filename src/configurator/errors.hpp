// Every error text the loader can produce, in one place. Most are the reference's
// exact texts; the last group covers what the reference never reports (it loops or
// exhausts memory instead).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace configurator::errors {

/// `ParseError "<path>" "<message>"`, both quoted with Haskell's show.
std::string parse_error(std::string_view path, std::string_view message);
/// Any syntax error in a file.
std::string end_of_input(std::string_view path);
/// `import` used as a name.
std::string reserved_word(std::string_view path);
/// An interpolated name found neither in the map nor in the environment.
std::string no_such_variable(std::string_view name);
/// Interpolation syntax errors (attoparsec's messages).
std::string interpolation_not_enough_input();
std::string interpolation_satisfy();
std::string interpolation_take_while1();
std::string interpolation_unclosed();
/// Interpolating a boolean or a list (Haskell `error`, with its CallStack).
std::string type_error();
/// `import ""` (Data.Text's `head` of an empty text, with its CallStack).
std::string empty_import();
/// Opening a file failed with errno `err`.
std::string open_failed(std::string_view path, int err);
/// The path names a directory.
std::string is_a_directory(std::string_view path);
/// Reading an opened file failed with errno `err`.
std::string read_failed(std::string_view path, int err);
/// The file is not valid UTF-8.
std::string invalid_byte_sequence(std::string_view path);

// Our own texts, for inputs the reference cannot finish.

/// An import cycle; `chain` runs from the repeated file to it again.
std::string import_cycle(const std::vector<std::string>& chain);
std::string nesting_too_deep(std::string_view path);
std::string number_too_large(std::string_view path);
std::string file_too_large(std::string_view path);
std::string token_too_large(std::string_view path);
std::string interpolation_too_large();
std::string too_many_imports();
/// A file path (after interpolation) with a NUL in it: no file has such a name, and
/// cutting it at the NUL (as the system call would) names another file. Worded as
/// GHC's openFile reports it (checkForInteriorNuls); the NUL is shown as `\0`.
std::string nul_in_path(std::string_view path);
std::string load_too_large();

}  // namespace configurator::errors
