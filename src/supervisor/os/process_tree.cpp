// Parent chains from /proc: each step one small read that /proc answers from memory.
#include "supervisor/os/process_tree.hpp"

#include "supervisor/os/proc_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <string>

#include "supervisor/os/files.hpp"

namespace angel {

std::optional<pid_t> parent_in_stat(std::string_view stat) {
    const std::size_t close = stat.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = stat.substr(close + 1);  // " S PPID ..."
    if (rest.size() < 4 || rest[0] != ' ' || rest[2] != ' ') return std::nullopt;
    rest.remove_prefix(3);
    pid_t parent = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), parent);
    if (ec != std::errc{} || ptr == rest.data() || parent < 0) return std::nullopt;
    return parent;
}

namespace {

std::optional<pid_t> parent_of(pid_t pid) {
    char buffer[512];  // pid, comm (at most 15 bytes), state, ppid: well within; no ")" after comm
    const auto stat = read_proc_file(pid, "stat", buffer);
    if (!stat) return std::nullopt;
    return parent_in_stat(*stat);
}

}  // namespace

bool in_process_tree(pid_t pid, pid_t root, int max_steps) {
    if (pid <= 0 || root <= 0) return false;
    for (int step = 0; pid != root; ++step) {
        if (step == max_steps || pid <= 1) return false;
        auto parent = parent_of(pid);
        if (!parent) return false;
        pid = *parent;
    }
    return true;
}

}  // namespace angel
