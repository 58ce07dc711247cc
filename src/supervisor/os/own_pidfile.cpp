// angel's own pidfile: held with an exclusive flock for angel's whole life, so two
// angels started at the same moment cannot both take it, and a stale file (angel
// killed, the pid reused by another program) is taken over without guessing.
#include "supervisor/os/own_pidfile.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "configurator/io_error.hpp"

namespace angel {
namespace {

std::string pid_text_in(int fd) {
    char buffer[32];
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string text(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool same_file(int fd, const std::string& path) {
    struct stat opened {}, named {};
    return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 && opened.st_dev == named.st_dev &&
           opened.st_ino == named.st_ino;
}

}  // namespace

OwnPidfile::~OwnPidfile() {
    // Removed while still locked: another angel cannot take a file that is going.
    if (!path_.empty() && same_file(fd_.get(), path_)) ::unlink(path_.c_str());
}

std::optional<std::string> OwnPidfile::acquire(const std::string& path) {
    // An angel that exits between our open and our lock unlinks the file we opened:
    // then open the path again (a few times at most, never a spin).
    for (int attempt = 0; attempt < 3; ++attempt) {
        // Never through a symlink: angel may be root here, and a link planted at the path
        // would have it truncate and write whatever file the link names.
        Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW, 0644));
        if (fd.get() < 0 && errno == ELOOP) {
            return path + ": is a symbolic link; angel writes its pidfile only to a plain file";
        }
        if (fd.get() < 0) return configurator::io_error_text(path, "openFile", errno);
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK) return configurator::io_error_text(path, "lock", errno);
            return path + ": held by a running angel (pid " + pid_text_in(fd.get()) + ")";
        }
        if (!same_file(fd.get(), path)) continue;
        const std::string text = std::to_string(::getpid());
        if (::ftruncate(fd.get(), 0) != 0 ||
            ::pwrite(fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
            return configurator::io_error_text(path, "hPutStr", errno);
        }
        fd_ = std::move(fd);
        path_ = path;
        return std::nullopt;
    }
    return path + ": held by a running angel (it changed while being taken)";
}

}  // namespace angel
