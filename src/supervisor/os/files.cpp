// The files angel opens for its children: log streams and pidfiles.
#include "supervisor/os/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "configurator/io_error.hpp"

namespace angel {

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

int Fd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

namespace {

/// Opens for writing without ever blocking the daemon: a FIFO with no reader fails at
/// once (ENXIO) instead of hanging the event loop, as GHC's non-blocking openFile does.
/// The descriptor is then made blocking again for the child.
std::variant<Fd, FileError> open_for_writing(const std::string& path, int flags) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags, 0666));
    if (fd.get() < 0) return FileError{configurator::io_error_text(path, "openFile", errno)};
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return fd;
}

}  // namespace

std::variant<Fd, FileError> open_for_append(const std::string& path) { return open_for_writing(path, O_APPEND); }

std::variant<std::monostate, FileError> write_pidfile(const std::string& path, pid_t pid) {
    auto opened = open_for_writing(path, O_TRUNC);
    if (auto* error = std::get_if<FileError>(&opened)) return *error;
    const Fd& fd = std::get<Fd>(opened);
    std::string text = std::to_string(pid);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        return FileError{configurator::io_error_text(path, "hPutStr", errno)};
    }
    return std::monostate{};
}

void remove_file(const std::string& path) { ::unlink(path.c_str()); }

std::variant<Pipe, FileError> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return FileError{"createPipe: " + configurator::io_error_description(errno)};
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

}  // namespace angel
