// fork/exec with an error pipe; the child does only async-signal-safe work.
#include "supervisor/os/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "configurator/io_error.hpp"

extern char** environ;

namespace angel {
namespace {

/// Which step of the child failed; sent with errno through the error pipe.
enum class ChildStep : int { chdir = 1, exec = 2, dup = 3 };

struct ChildFailure {
    ChildStep step;
    int err;
};

/// The candidate paths for argv[0], the way execvp/posix_spawnp search: a name with a
/// `/` is used as is; otherwise each PATH element (empty = current directory).
std::vector<std::string> candidate_paths(const std::string& name) {
    if (name.find('/') != std::string::npos) return {name};
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/bin:/usr/bin";
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        std::size_t colon = dirs.find(':', start);
        std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        out.push_back(dir.empty() ? name : dir + "/" + name);
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return out;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

/// In the child: report a failure to the parent and die. Async-signal-safe.
[[noreturn]] void child_fail(int pipe_fd, ChildStep step, int err) {
    ChildFailure failure{step, err};
    ssize_t ignored = ::write(pipe_fd, &failure, sizeof failure);
    (void)ignored;
    ::_exit(127);
}

/// In the child: give it the signal state a fresh process has. Async-signal-safe.
void reset_signals() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // fails harmlessly for KILL/STOP
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

/// In the child: the descriptor moves, as if all at once. Every source that is not
/// already in place is first copied above the highest target (close-on-exec, so the
/// copies vanish at exec), so that no dup2 can overwrite a source a later move
/// still needs. `scratch` has one slot per move, allocated before fork.
/// Async-signal-safe; errno of the first failure, or 0.
int move_descriptors(const std::vector<FdMove>& moves, int* scratch) {
    int floor = 0;
    for (const FdMove& m : moves) floor = m.to >= floor ? m.to + 1 : floor;
    for (std::size_t i = 0; i < moves.size(); ++i) {
        if (moves[i].from == moves[i].to) continue;
        scratch[i] = ::fcntl(moves[i].from, F_DUPFD_CLOEXEC, floor);
        if (scratch[i] < 0) return errno;
    }
    for (std::size_t i = 0; i < moves.size(); ++i) {
        const FdMove& m = moves[i];
        // In place already: only its close-on-exec flag goes. dup2 clears it on the copy.
        const int done = m.from == m.to ? ::fcntl(m.to, F_SETFD, 0) : ::dup2(scratch[i], m.to);
        if (done < 0) return errno;
    }
    return 0;
}

/// In the child, after fork: descriptors, directory, then exec each candidate in turn.
[[noreturn]] void run_child(const SpawnRequest& req, const std::vector<std::string>& candidates,
                            char* const* argv, char* const* envp, int* scratch, int pipe_fd) {
    reset_signals();
    if (int err = move_descriptors(req.fds, scratch)) child_fail(pipe_fd, ChildStep::dup, err);
    if (req.directory && ::chdir(req.directory->c_str()) != 0) child_fail(pipe_fd, ChildStep::chdir, errno);
    int reported = ENOENT;
    bool saw_eacces = false;
    for (const auto& path : candidates) {
        ::execve(path.c_str(), argv, envp);
        reported = errno;
        if (reported == EACCES) {
            saw_eacces = true;
        } else if (reported != ENOENT && reported != ENOTDIR) {
            break;  // like execvp: only "not here" errors move on to the next PATH element
        }
    }
    if (saw_eacces && (reported == ENOENT || reported == ENOTDIR)) reported = EACCES;
    child_fail(pipe_fd, ChildStep::exec, reported);
}

}  // namespace

std::variant<pid_t, SpawnError> spawn(const SpawnRequest& req) {
    // Everything the child needs is built before fork: no allocation after it.
    std::vector<std::string> candidates = candidate_paths(req.argv.at(0));
    std::vector<char*> argv = c_strings(req.argv);
    std::vector<char*> envp = req.env ? c_strings(*req.env) : std::vector<char*>{};
    std::vector<int> scratch(req.fds.size(), -1);
    char* const* env_ptr = req.env ? envp.data() : environ;

    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        return SpawnError{req.argv[0] + ": createProcess: pipe: " + configurator::io_error_description(errno)};
    }
    // Block signals so that no handler of angel's runs in the child before it resets them.
    sigset_t all, saved;
    ::sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, &saved);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(err_pipe[0]);
        run_child(req, candidates, argv.data(), env_ptr, scratch.data(), err_pipe[1]);
    }
    int fork_errno = errno;
    ::sigprocmask(SIG_SETMASK, &saved, nullptr);
    ::close(err_pipe[1]);
    if (pid < 0) {
        ::close(err_pipe[0]);
        const char* step = req.directory ? "fork" : "posix_spawnp";  // where the original would fail
        return SpawnError{req.argv[0] + ": createProcess: " + step + ": " +
                          configurator::io_error_description(fork_errno)};
    }
    ChildFailure failure{};
    ssize_t n;
    do {
        n = ::read(err_pipe[0], &failure, sizeof failure);
    } while (n < 0 && errno == EINTR);
    ::close(err_pipe[0]);
    if (n != static_cast<ssize_t>(sizeof failure)) return pid;  // EOF: exec succeeded
    // The child has exited; the daemon's SIGCHLD reaper collects it (pid unknown to it).
    const char* step = failure.step == ChildStep::chdir ? "chdir"
                       : failure.step == ChildStep::dup ? "dup2"
                       : req.directory                  ? "exec"
                                                        : "posix_spawnp";
    return SpawnError{req.argv[0] + ": createProcess: " + step + ": " +
                      configurator::io_error_description(failure.err)};
}

}  // namespace angel
