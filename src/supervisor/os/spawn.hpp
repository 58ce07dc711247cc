// Starting a child process without copying angel (clone with CLONE_VM | CLONE_VFORK):
// a failed exec (or chdir, or descriptor move) is known, with its errno, before
// spawn() returns.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace angel {

/// In the child, descriptor `from` (angel's, borrowed) is put at `to`, without
/// close-on-exec. Every other descriptor angel opened is close-on-exec and does
/// not reach the child; 0, 1 and 2 not listed are angel's own.
struct FdMove {
    int from = -1;
    int to = -1;
};

/// Everything a child is started with. Descriptors are borrowed, not closed.
struct SpawnRequest {
    std::vector<std::string> argv;                  ///< argv[0] is the program to run
    std::optional<std::vector<std::string>> env;    ///< "NAME=VALUE"s; nullopt = angel's own
    std::optional<std::string> directory;           ///< chdir before exec; angel's cwd if absent
    std::vector<FdMove> fds;                        ///< done as if all at once: a source may
                                                    ///< be another move's target (a swap is fine)
    /// Entries of `env` of the form "NAME=" whose value only the child knows: its
    /// own pid, written in decimal by the child before exec (LISTEN_PID, WATCHDOG_PID).
    std::vector<std::size_t> own_pid_envs;
    /// The child leads a process group of its own (setpgid before exec), so that a
    /// signal to the group reaches what it starts too.
    bool own_process_group = false;
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

/// Notes which signals angel catches or ignores now; each child puts exactly those
/// back to their default (a sigaction each, not one for every signal). Call it
/// after changing a disposition; the first spawn calls it if nobody has.
void note_signal_dispositions();

}  // namespace angel
