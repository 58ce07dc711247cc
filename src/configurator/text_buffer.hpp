// A file's bytes in memory of their own, so that the part already used can be given
// back to the system while the rest is still being read (the main file is applied
// once, front to back: its text need not stay whole until the end).
#pragma once

#include <cstddef>
#include <string_view>

namespace configurator {

/// An anonymous memory mapping holding text; move-only.
class TextBuffer {
public:
    TextBuffer() = default;
    ~TextBuffer();
    TextBuffer(TextBuffer&& other) noexcept;
    TextBuffer& operator=(TextBuffer&& other) noexcept;
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;

    /// Grows the room to at least `capacity` bytes, keeping the first size() bytes.
    /// Returns false when the memory cannot be had.
    bool reserve(std::size_t capacity);
    /// Where bytes may be written after the first size() ones (capacity() - size() of them).
    char* tail() { return data_ + size_; }
    std::size_t capacity() const { return capacity_; }
    /// Counts `n` more bytes written at tail() as text.
    void grow(std::size_t n) { size_ += n; }

    const char* data() const { return size_ == 0 ? "" : data_; }
    std::size_t size() const { return size_; }
    std::string_view view() const { return {data(), size_}; }

    /// Gives back the whole pages before `offset`; those bytes must not be read again.
    void release_before(std::size_t offset);

private:
    void unmap();

    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;  ///< bytes mapped at data_ (a multiple of the page size)
    std::size_t released_ = 0;  ///< bytes at the start already given back
};

}  // namespace configurator
