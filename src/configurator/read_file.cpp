// open/fstat/read with GHC's error texts: its openFile opens, then refuses directories.
#include "configurator/read_file.hpp"

#include <algorithm>
#include <cstdint>
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "configurator/errors.hpp"
#include "configurator/limits.hpp"
#include "configurator/utf8.hpp"

namespace configurator {

std::optional<std::string> open_file(const std::string& path, int& fd, FileIdentity& identity) {
    // Non-blocking like GHC's openFile, so a FIFO without a writer does not hang the
    // open. Reads of a regular file are made blocking again; anything else (a FIFO, a
    // device) stays non-blocking: angel reads its config on its one event loop, and a
    // writer that never writes must not stop supervision. read_opened_file waits for
    // such a writer at most kMaxSilenceMs in all, so `angel <(generate-config)` works.
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

namespace {

// Bounds the whole wait for a pipe's writer: long enough for a generator that is
// starting up, short enough that a silent writer costs supervision one second.
constexpr long kMaxSilenceMs = 1000;

long monotonic_ms() {
    timespec now {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace

std::optional<std::string> read_opened_file(const std::string& path, int fd, TextBuffer& text) {
    struct stat st {};
    std::size_t capacity = 1 << 16;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        // Too large is known before a byte is read: no memory for what is refused.
        if (static_cast<std::uint64_t>(st.st_size) > kMaxFileBytes) {
            ::close(fd);
            return errors::file_too_large(path);
        }
        capacity = static_cast<std::size_t>(st.st_size) + 1;  // +1: see EOF in one read
    }
    text = TextBuffer();
    long give_up_at = -1;  // set at the first EAGAIN
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
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            const long now = monotonic_ms();
            if (give_up_at < 0) give_up_at = now + kMaxSilenceMs;
            if (now < give_up_at) {
                pollfd waiting{fd, POLLIN, 0};
                ::poll(&waiting, 1, static_cast<int>(give_up_at - now));
                continue;
            }
            errno = EAGAIN;
        }
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
