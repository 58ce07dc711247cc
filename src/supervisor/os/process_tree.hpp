// Who is whose child: the parent chain of a process, read from /proc/PID/stat, for the
// notify sockets' `notifyaccess = "all"` (a datagram from the instance's process tree).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace angel {

/// The parent pid in the text of a /proc/PID/stat ("PID (COMM) STATE PPID ..."; COMM may
/// hold spaces and parentheses, so the last ')' ends it); nullopt if it is not that form.
std::optional<pid_t> parent_in_stat(std::string_view stat);

/// Whether `pid` is `root` or one of its descendants, walking at most `max_steps` parents
/// up from `pid` (a chain that is deeper, or broken by an exit, counts as outside).
bool in_process_tree(pid_t pid, pid_t root, int max_steps = 64);

}  // namespace angel
