// GHC's IOError rendering (Foreign.C.Error.errnoToIOError's error kinds).
#include "configurator/io_error.hpp"

#include <cerrno>
#include <cstring>

namespace configurator {
namespace {

// The IOErrorType GHC assigns to an errno, as `show` spells it.
const char* error_kind(int err) {
    switch (err) {
        case ENOENT: case ESRCH: case ENXIO: case ECHILD: case ENODEV:
            return "does not exist";
        case EACCES: case EPERM: case EROFS:
            return "permission denied";
        case ENOTDIR: case EISDIR: case ENOTEMPTY: case ENOTTY:
            return "inappropriate type";
        case ENOEXEC: case EINVAL: case ELOOP: case ENAMETOOLONG: case EBADF: case EDOM:
        case EILSEQ:
            return "invalid argument";
        case ETXTBSY: case EBUSY: case EDEADLK:
            return "resource busy";
        case ENOSPC: case EMFILE: case ENFILE: case E2BIG: case ENOMEM: case EAGAIN:
        case EDQUOT: case EMLINK:
            return "resource exhausted";
        case EEXIST:
            return "already exists";
        case EIO:
            return "hardware fault";
        case EINTR:
            return "interrupted";
        case EPIPE: case ECONNRESET:
            return "resource vanished";
        case EXDEV: case ENOSYS: case EOPNOTSUPP:
            return "unsupported operation";
        case ETIMEDOUT:
            return "timeout";
        default:
            return "failed";
    }
}

}  // namespace

std::string io_error_description(int err) {
    return std::string(error_kind(err)) + " (" + std::strerror(err) + ")";
}

std::string io_error_text(std::string_view path, std::string_view location, int err) {
    std::string text(path);
    text += ": ";
    text += location;
    text += ": ";
    text += io_error_description(err);
    return text;
}

}  // namespace configurator
