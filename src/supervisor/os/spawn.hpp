// Starting a child process: fork/exec with a close-on-exec error pipe, so that a
// failed exec (or chdir) is known, with its errno, before spawn() returns.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace angel {

/// Everything a child is started with. Descriptors are borrowed, not closed.
struct SpawnRequest {
    std::vector<std::string> argv;                  ///< argv[0] is the program to run
    std::optional<std::vector<std::string>> env;    ///< "NAME=VALUE"s; nullopt = angel's own
    std::optional<std::string> directory;           ///< chdir before exec; angel's cwd if absent
    int stdin_fd = -1;                              ///< -1: inherit angel's stdin
    int stdout_fd = -1;                             ///< -1: inherit angel's stdout
    int stderr_fd = -1;                             ///< -1: inherit angel's stderr
};

/// The reference's createProcess error text, without the `<PROG>: ` prefix, e.g.
/// "./x: createProcess: posix_spawnp: does not exist (No such file or directory)".
struct SpawnError {
    std::string text;
};

/// Starts the child. A name without `/` is searched in angel's PATH (not the child's
/// environment); with `directory`, the search and relative names are resolved after
/// changing into it (the original's defect D6, fixed). No shell fallback for scripts
/// without `#!`. The child starts with default signal dispositions and an empty mask.
std::variant<pid_t, SpawnError> spawn(const SpawnRequest& request);

}  // namespace angel
