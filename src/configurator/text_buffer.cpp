// mmap/munmap: whole pages at the front of the mapping can be unmapped on their own.
#include "configurator/text_buffer.hpp"

#include <cstring>
#include <utility>

#include <sys/mman.h>
#include <unistd.h>

namespace configurator {
namespace {

std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

}  // namespace

TextBuffer::~TextBuffer() { unmap(); }

TextBuffer::TextBuffer(TextBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      released_(std::exchange(other.released_, 0)) {}

TextBuffer& TextBuffer::operator=(TextBuffer&& other) noexcept {
    if (this != &other) {
        unmap();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
        released_ = std::exchange(other.released_, 0);
    }
    return *this;
}

void TextBuffer::unmap() {
    if (data_ != nullptr && capacity_ > released_) ::munmap(data_ + released_, capacity_ - released_);
    data_ = nullptr;
    size_ = capacity_ = released_ = 0;
}

bool TextBuffer::reserve(std::size_t capacity) {
    if (capacity <= capacity_) return true;
    const std::size_t page = page_size();
    capacity = (capacity + page - 1) / page * page;
    void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    char* fresh = static_cast<char*>(p);
    if (size_ > released_) std::memcpy(fresh + released_, data_ + released_, size_ - released_);
    const std::size_t size = size_;
    unmap();
    data_ = fresh;
    size_ = size;
    capacity_ = capacity;
    return true;
}

void TextBuffer::release_before(std::size_t offset) {
    const std::size_t end = offset / page_size() * page_size();
    if (end <= released_) return;
    ::munmap(data_ + released_, end - released_);
    released_ = end;
}

}  // namespace configurator
