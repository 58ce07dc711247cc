#include "supervisor/os/process_memory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "supervisor/os/files.hpp"

namespace angel {

std::optional<std::uint64_t> resident_bytes(pid_t pid) {
    // /proc/PID/statm: size resident ... in pages.
    const std::string path = "/proc/" + std::to_string(pid) + "/statm";
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return std::nullopt;
    char buffer[128];
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer - 1);
    if (n <= 0) return std::nullopt;
    buffer[n] = '\0';
    unsigned long long size = 0, resident = 0;
    if (std::sscanf(buffer, "%llu %llu", &size, &resident) != 2) return std::nullopt;
    return static_cast<std::uint64_t>(resident) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace angel
