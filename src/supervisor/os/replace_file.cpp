#include "supervisor/os/replace_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "supervisor/os/files.hpp"

namespace angel {

std::optional<std::string> replace_file(const std::string& path, std::string_view text) {
    const std::string temporary = path + ".tmp";
    auto failed = [&](const char* step, const std::string& file) {
        const int err = errno;
        ::unlink(temporary.c_str());
        return file + ": " + step + ": " + std::strerror(err);
    };
    ::unlink(temporary.c_str());  // a stale one (angel was killed mid-write); a symlink itself goes
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (fd.get() < 0) return failed("open", temporary);
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failed("write", temporary);
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd.release()) != 0) return failed("close", temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0) return failed("rename", path);
    return std::nullopt;
}

}  // namespace angel
