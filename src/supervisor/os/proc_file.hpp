// One read of a small /proc/PID file (stat, statm): what fits in the buffer, or none
// when the process is gone. One read: the kernel fills these in one go.
#pragma once

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "supervisor/os/files.hpp"

namespace angel {

inline std::optional<std::string_view> read_proc_file(pid_t pid, const char* name, std::span<char> buffer) {
    const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return std::nullopt;
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n <= 0) return std::nullopt;
    return std::string_view(buffer.data(), static_cast<std::size_t>(n));
}

}  // namespace angel
