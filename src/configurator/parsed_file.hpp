// A parsed file: its text and its directives as a flat list of small ops that point
// into the text (names, strings and numbers are decoded when the ops are applied).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "configurator/text_buffer.hpp"

namespace configurator {

/// What an op stands for. A bind op is followed by its value's ops (a list is
/// list_begin, its elements, list_end), so ops read the text strictly in order.
enum class OpKind : std::uint8_t {
    bind,            ///< text = the name; the value that follows is bound to it
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

    Op() = default;
    Op(OpKind kind, std::uint32_t offset, std::uint32_t length)
        : offset_(offset), kind_length_(static_cast<std::uint32_t>(kind) << 28 | length) {}

    OpKind kind() const { return static_cast<OpKind>(kind_length_ >> 28); }
    std::uint32_t offset() const { return offset_; }
    std::uint32_t length() const { return kind_length_ & kMaxLength; }

private:
    std::uint32_t offset_ = 0;
    std::uint32_t kind_length_ = 0;
};

/// Ops in fixed-size blocks: appending never moves them (no copy, no doubled peak while
/// growing), and a file applied only once can free the blocks it has passed.
class OpList {
public:
    static constexpr std::size_t kBlockBits = 13;
    static constexpr std::size_t kBlockSize = std::size_t{1} << kBlockBits;

    void emplace_back(OpKind kind, std::uint32_t offset, std::uint32_t length) {
        if ((size_ & (kBlockSize - 1)) == 0) blocks_.push_back(std::make_unique<Op[]>(kBlockSize));
        blocks_.back()[size_ & (kBlockSize - 1)] = Op(kind, offset, length);
        ++size_;
    }
    std::size_t size() const { return size_; }
    const Op& operator[](std::size_t i) const { return blocks_[i >> kBlockBits][i & (kBlockSize - 1)]; }
    void clear() {
        blocks_.clear();
        size_ = 0;
    }
    /// Frees the blocks wholly before op `i`; those ops must not be read again.
    void release_before(std::size_t i) {
        for (std::size_t b = 0; b < (i >> kBlockBits) && b < blocks_.size(); ++b) blocks_[b].reset();
    }

private:
    std::vector<std::unique_ptr<Op[]>> blocks_;
    std::size_t size_ = 0;
};

/// A whole file, read and parsed.
struct ParsedFile {
    TextBuffer text;                   ///< the file's bytes (valid UTF-8)
    OpList ops;                        ///< its directives, in order
    std::vector<std::string> imports;  ///< decoded import paths, as written

    std::string_view span(const Op& op) const { return text.view().substr(op.offset(), op.length()); }
};

}  // namespace configurator
