// open/fstat/read with GHC's error texts: its openFile opens, then refuses directories.
#include "configurator/read_file.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configurator/errors.hpp"
#include "configurator/limits.hpp"
#include "configurator/utf8.hpp"

namespace configurator {

std::optional<std::string> open_file(const std::string& path, int& fd, FileIdentity& identity) {
    // Non-blocking like GHC's openFile, so a FIFO without a writer does not hang the
    // open. Reads of a regular file are made blocking again; anything else (a FIFO, a
    // device) stays non-blocking: angel reads its config on its one event loop, and a
    // writer that never writes must not stop supervision (the read fails instead).
    fd = ::open(path.c_str(), O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return errors::open_failed(path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return errors::open_failed(path, err);
    }
    if (S_ISREG(st.st_mode)) {
        const int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return errors::is_a_directory(path);
    }
    identity = FileIdentity{st.st_dev, st.st_ino};
    return std::nullopt;
}

std::optional<std::string> read_opened_file(const std::string& path, int fd, TextBuffer& text) {
    struct stat st {};
    std::size_t capacity = 1 << 16;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        capacity = static_cast<std::size_t>(st.st_size) + 1;  // +1: see EOF in one read
    }
    text = TextBuffer();
    while (true) {
        if (text.size() == text.capacity()) {
            // Also ends endless devices such as /dev/zero.
            if (text.size() > kMaxFileBytes) {
                ::close(fd);
                return errors::file_too_large(path);
            }
            const std::size_t want = text.size() == 0 ? capacity : std::min(text.size() * 2, kMaxFileBytes + 1);
            if (!text.reserve(std::max(want, text.size() + 1))) {
                ::close(fd);
                return errors::read_failed(path, ENOMEM);
            }
        }
        const ssize_t n = ::read(fd, text.tail(), text.capacity() - text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return errors::read_failed(path, err);
        }
        if (n == 0) break;
        text.grow(static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (text.size() > kMaxFileBytes) return errors::file_too_large(path);
    if (!is_valid_utf8(text.view())) return errors::invalid_byte_sequence(path);
    return std::nullopt;
}

}  // namespace configurator
