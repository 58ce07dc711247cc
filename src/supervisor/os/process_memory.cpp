#include "supervisor/os/process_memory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "supervisor/os/proc_file.hpp"

namespace angel {

std::optional<std::uint64_t> resident_bytes(pid_t pid) {
    // /proc/PID/statm: size resident ... in pages.
    char buffer[128];
    const auto statm = read_proc_file(pid, "statm", std::span<char>(buffer, sizeof buffer - 1));
    if (!statm) return std::nullopt;
    buffer[statm->size()] = '\0';
    unsigned long long size = 0, resident = 0;
    if (std::sscanf(buffer, "%llu %llu", &size, &resident) != 2) return std::nullopt;
    return static_cast<std::uint64_t>(resident) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace angel
