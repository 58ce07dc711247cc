// The error texts. The CallStack trailers are what the reference's build prints.
#include "configurator/errors.hpp"

#include "configurator/haskell_show.hpp"
#include "configurator/io_error.hpp"
#include "configurator/limits.hpp"

namespace configurator::errors {

std::string parse_error(std::string_view path, std::string_view message) {
    return "ParseError " + haskell_show(path) + " " + haskell_show(message);
}

std::string end_of_input(std::string_view path) { return parse_error(path, "endOfInput"); }

std::string reserved_word(std::string_view path) {
    return parse_error(path, "reserved word (\"import\") used as identifier");
}

std::string no_such_variable(std::string_view name) {
    return parse_error("", "no such variable " + haskell_show(name));
}

std::string interpolation_not_enough_input() { return parse_error("", "not enough input"); }
std::string interpolation_satisfy() { return parse_error("", "Failed reading: satisfy"); }
std::string interpolation_take_while1() { return parse_error("", "Failed reading: takeWhile1"); }
std::string interpolation_unclosed() { return parse_error("", "')': not enough input"); }

std::string type_error() {
    return "type error\n"
           "CallStack (from HasCallStack):\n"
           "  error, called at ./Data/Configurator.hs:312:28 in "
           "configurator-0.3.0.0-5y2qUCYVZxEEGrUj4y9CDW:Data.Configurator";
}

std::string empty_import() {
    return "Data.Text.Internal.Fusion.Common.head: Empty stream\n"
           "CallStack (from HasCallStack):\n"
           "  error, called at libraries/text/src/Data/Text/Internal/Fusion/Common.hs:944:24 in "
           "text-1.2.5.0:Data.Text.Internal.Fusion.Common";
}

std::string open_failed(std::string_view path, int err) { return io_error_text(path, "openFile", err); }

std::string is_a_directory(std::string_view path) {
    // GHC's openFile checks this itself, with its own lower-case wording.
    return std::string(path) + ": openFile: inappropriate type (is a directory)";
}

std::string read_failed(std::string_view path, int err) { return io_error_text(path, "hGetContents", err); }

std::string invalid_byte_sequence(std::string_view path) {
    return std::string(path) + ": hGetContents: invalid argument (invalid byte sequence)";
}

std::string import_cycle(const std::vector<std::string>& chain) {
    std::string text = chain.empty() ? std::string() : chain.front();
    text += ": import cycle: ";
    for (std::size_t i = 0; i < chain.size(); ++i) {
        if (i > 0) text += " -> ";
        text += chain[i];
    }
    return text;
}

std::string nesting_too_deep(std::string_view path) {
    return std::string(path) + ": groups and lists nested more than " + std::to_string(kMaxNesting) +
           " levels deep";
}

std::string number_too_large(std::string_view path) {
    return std::string(path) + ": number with more than " + std::to_string(kMaxNumberDigits) +
           " digits or an exponent beyond " + std::to_string(kMaxNumberExponent) + " in magnitude";
}

std::string file_too_large(std::string_view path) {
    return std::string(path) + ": file larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB";
}

std::string token_too_large(std::string_view path) {
    return std::string(path) + ": a single string, name or number longer than 256 MiB";
}

std::string interpolation_too_large() {
    return "interpolation produced more than " + std::to_string(kMaxInterpolatedBytes >> 20) + " MiB of text";
}

std::string nul_in_path(std::string_view path) {
    std::string shown;
    for (char c : path) {
        if (c == '\0') {
            shown += "\\0";
        } else {
            shown += c;
        }
    }
    return shown + ": openFile: invalid argument (FilePaths must not contain internal NUL code units.)";
}

std::string load_too_large() {
    return "the config and its imports are larger than " + std::to_string(kMaxLoadBytes >> 20) + " MiB together";
}

std::string too_many_imports() {
    return "imports applied too many times over (each file imports others repeatedly)";
}

}  // namespace configurator::errors
