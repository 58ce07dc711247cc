// A parsed file: its text and its directives as a flat list of small ops that point
// into the text (names, strings and numbers are decoded when the ops are applied).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace configurator {

/// What an op stands for. Values come in postfix order: a binding's value ops (a list
/// is list_begin, its elements, list_end) come first, then its bind op.
enum class OpKind : std::uint8_t {
    bind,            ///< text = the name; binds the value just built
    group_begin,     ///< text = the group's name
    group_end,       ///<
    import_file,     ///< offset = index into ParsedFile::imports
    value_true,      ///<
    value_false,     ///<
    plain_string,    ///< text = the string's contents, no backslash in it
    escaped_string,  ///< text = the string's contents, escapes still to decode (known valid)
    number,          ///< text = the number literal
    list_begin,      ///<
    list_end,        ///<
};

/// One op: a kind and a span of the file's text, packed in 8 bytes (files are under
/// 4 GiB, a single token under 256 MiB): a 5 MB file has ~500,000 of them.
class Op {
public:
    static constexpr std::uint32_t kMaxLength = (std::uint32_t{1} << 28) - 1;

    Op(OpKind kind, std::uint32_t offset, std::uint32_t length)
        : offset_(offset), kind_length_(static_cast<std::uint32_t>(kind) << 28 | length) {}

    OpKind kind() const { return static_cast<OpKind>(kind_length_ >> 28); }
    std::uint32_t offset() const { return offset_; }
    std::uint32_t length() const { return kind_length_ & kMaxLength; }

private:
    std::uint32_t offset_;
    std::uint32_t kind_length_;
};

/// A whole file, read and parsed.
struct ParsedFile {
    std::string text;                  ///< the file's bytes (valid UTF-8)
    std::vector<Op> ops;               ///< its directives, in order
    std::vector<std::string> imports;  ///< decoded import paths, as written

    std::string_view span(const Op& op) const { return std::string_view(text).substr(op.offset(), op.length()); }
};

}  // namespace configurator
