// Spawning without copying the parent: clone(CLONE_VM | CLONE_VFORK), as glibc's
// posix_spawn does. The child runs on a stack of its own, in angel's memory, while
// angel waits; it does only async-signal-safe work and reports a failure by writing
// it into that shared memory before _exit, so the outcome is known, with its errno,
// when spawn() returns: no pipe, no page-table copy, no copy-on-write faults.
#include "supervisor/os/spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "configurator/io_error.hpp"

extern char** environ;

namespace angel {
namespace {

/// Which step of the child failed.
enum class ChildStep : int { none = 0, chdir = 1, exec = 2, dup = 3 };

/// Everything the child reads, built before the clone, and what it writes back.
struct ChildJob {
    const std::vector<FdMove>* moves;
    int* scratch;                        ///< one slot per move
    const char* directory;               ///< or null
    const char* name;                    ///< argv[0]: run as is if it has a '/'
    std::size_t name_length;
    const char* search_path;             ///< angel's PATH, searched for a name without '/'
    char* const* argv;
    char* const* envp;
    const std::vector<int>* reset;       ///< signals to put back to SIG_DFL
    char* const* own_pid_values;         ///< rooms for the child's pid in decimal
    std::size_t own_pid_count;
    bool own_process_group;              ///< setpgid(0, 0) first
    // Written by the child before it _exits; read by angel once the clone returns.
    ChildStep failed_step = ChildStep::none;
    int failed_errno = 0;
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

/// The signals whose disposition a child must not inherit: every one angel catches
/// or ignores. exec resets caught ones by itself, but the child runs in angel's
/// memory until then, and an ignored one would stay ignored after exec.
/// Empty until noted (note_signal_dispositions).
std::optional<std::vector<int>>& signals_to_reset() {
    static std::optional<std::vector<int>> signals;
    return signals;
}

/// Code that runs in the child, on its own stack inside angel's memory: never
/// instrumented by AddressSanitizer, whose stack bookkeeping assumes one stack per
/// thread (and would write its warnings to the child's stderr).
#if defined(__clang__) || defined(__GNUC__)
#define ANGEL_CHILD_CODE __attribute__((no_sanitize("address")))
#else
#define ANGEL_CHILD_CODE
#endif

/// In the child: the descriptor moves, as if all at once. A source that is also
/// another move's target is first copied above the highest target (close-on-exec, so
/// the copy vanishes at exec), so that no dup2 overwrites a source a later move still
/// needs; other sources are used as they are, so the usual moves (a file or a pipe onto
/// 1 and 2) cost no extra descriptor, and still work when angel is out of descriptors.
/// `scratch` has one slot per move, allocated before the clone.
/// Async-signal-safe; errno of the first failure, or 0.
ANGEL_CHILD_CODE int move_descriptors(const std::vector<FdMove>& moves, int* scratch) {
    int floor = 0;
    for (const FdMove& m : moves) floor = m.to >= floor ? m.to + 1 : floor;
    for (std::size_t i = 0; i < moves.size(); ++i) {
        scratch[i] = moves[i].from;
        if (moves[i].from == moves[i].to) continue;
        bool clobbered = false;
        for (std::size_t j = 0; j < moves.size(); ++j) clobbered = clobbered || (j != i && moves[j].to == moves[i].from);
        if (!clobbered) continue;
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

/// In the child: note the failure where angel will read it, and die.
[[noreturn]] ANGEL_CHILD_CODE void child_fail(ChildJob& job, ChildStep step, int err) {
    job.failed_step = step;
    job.failed_errno = err;
    ::_exit(127);
}

/// The child, on its own stack in angel's memory: signals, descriptors, directory,
/// then exec each candidate in turn. Async-signal-safe only.
ANGEL_CHILD_CODE int run_child(void* arg) {
    ChildJob& job = *static_cast<ChildJob*>(arg);
    // Before angel resumes (CLONE_VFORK waits for the exec), so a signal to the group
    // can never miss it.
    if (job.own_process_group) ::setpgid(0, 0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : *job.reset) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (job.own_pid_count > 0) {
        // Digits of our own pid into the slots built before the clone (room for 20 each).
        char digits[24];
        int n = 0;
        for (unsigned long pid = static_cast<unsigned long>(::getpid()); n == 0 || pid > 0; pid /= 10) {
            digits[n++] = static_cast<char>('0' + pid % 10);
        }
        for (std::size_t slot = 0; slot < job.own_pid_count; ++slot) {
            for (int i = 0; i < n; ++i) job.own_pid_values[slot][i] = digits[n - 1 - i];
            job.own_pid_values[slot][n] = '\0';
        }
    }
    if (int err = move_descriptors(*job.moves, job.scratch)) child_fail(job, ChildStep::dup, err);
    if (job.directory != nullptr && ::chdir(job.directory) != 0) child_fail(job, ChildStep::chdir, errno);
    if (std::memchr(job.name, '/', job.name_length) != nullptr) {
        ::execve(job.name, job.argv, job.envp);
        child_fail(job, ChildStep::exec, errno);
    }
    // The way execvp/posix_spawnp search: each PATH element in turn (an empty one is
    // the current directory), each candidate built on this stack: no allocation.
    char candidate[PATH_MAX];
    int reported = ENOENT;
    bool saw_eacces = false;
    for (const char* dir = job.search_path;; ++dir) {
        const char* end = std::strchr(dir, ':');
        if (end == nullptr) end = dir + std::strlen(dir);
        const std::size_t dir_length = static_cast<std::size_t>(end - dir);
        if (dir_length + 1 + job.name_length < sizeof candidate) {
            std::size_t at = 0;
            if (dir_length > 0) {
                std::memcpy(candidate, dir, dir_length);
                candidate[dir_length] = '/';
                at = dir_length + 1;
            }
            std::memcpy(candidate + at, job.name, job.name_length + 1);
            ::execve(candidate, job.argv, job.envp);
            reported = errno;
        } else {
            reported = ENAMETOOLONG;  // as execve would say
        }
        if (reported == EACCES) {
            saw_eacces = true;
        } else if (reported != ENOENT && reported != ENOTDIR) {
            break;  // like execvp: only "not here" errors move on to the next PATH element
        }
        dir = end;
        if (*dir == '\0') break;
    }
    if (saw_eacces && (reported == ENOENT || reported == ENOTDIR)) reported = EACCES;
    child_fail(job, ChildStep::exec, reported);
}

/// The child's stack. One is enough: CLONE_VFORK suspends angel (its only thread)
/// until the child has exec'd or exited, so no two children ever use it at once.
constexpr std::size_t kChildStackSize = 64 * 1024;

/// The top of the child's stack (it grows down), mapped at first use with a guard page
/// below it: a child that overflows it faults there instead of writing over angel's
/// memory, which it shares. Null, with errno, if the mapping fails (retried next time).
unsigned char* child_stack_top() {
    static unsigned char* top = nullptr;
    if (top != nullptr) return top;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    void* base = ::mmap(nullptr, page + kChildStackSize, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) return nullptr;
    if (::mprotect(base, page, PROT_NONE) != 0) {
        const int err = errno;
        ::munmap(base, page + kChildStackSize);
        errno = err;
        return nullptr;
    }
    top = static_cast<unsigned char*>(base) + page + kChildStackSize;
    return top;
}

}  // namespace

void note_signal_dispositions() {
    std::vector<int> signals;
    for (int sig = 1; sig < NSIG; ++sig) {
        struct sigaction current {};
        if (::sigaction(sig, nullptr, &current) == 0 && current.sa_handler != SIG_DFL) signals.push_back(sig);
    }
    signals_to_reset() = std::move(signals);
}

std::variant<pid_t, SpawnError> spawn(const SpawnRequest& req) {
    if (!signals_to_reset()) note_signal_dispositions();
    // Everything the child needs is built before the clone: no allocation after it.
    const std::string& name = req.argv.at(0);
    const char* search_path = std::getenv("PATH");
    std::vector<char*> argv = c_strings(req.argv);
    std::vector<char*> envp = req.env ? c_strings(*req.env) : std::vector<char*>{};
    // Each "NAME=" with room for 20 digits, filled in by the child.
    std::vector<std::string> own_pid_entries;
    std::vector<char*> own_pid_values;
    if (req.env) {
        own_pid_entries.reserve(req.own_pid_envs.size());
        for (std::size_t index : req.own_pid_envs) {
            if (index >= req.env->size()) continue;
            std::string& entry = own_pid_entries.emplace_back((*req.env)[index]);
            entry.append(21, '\0');
            envp[index] = entry.data();
            own_pid_values.push_back(entry.data() + entry.size() - 21);
        }
    }
    std::vector<int> scratch(req.fds.size(), -1);
    ChildJob job{&req.fds,
                 scratch.data(),
                 req.directory ? req.directory->c_str() : nullptr,
                 name.c_str(),
                 name.size(),
                 search_path != nullptr ? search_path : "/bin:/usr/bin",
                 argv.data(),
                 req.env ? envp.data() : environ,
                 &*signals_to_reset(),
                 own_pid_values.data(),
                 own_pid_values.size(),
                 req.own_process_group};

    unsigned char* const stack_top = child_stack_top();
    // Block signals so that no handler of angel's runs in the child (in angel's own
    // memory) before it has put the dispositions back.
    sigset_t all, saved;
    ::sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, &saved);
    const pid_t pid = stack_top == nullptr ? -1 : ::clone(run_child, stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, &job);
    const int clone_errno = errno;
    ::sigprocmask(SIG_SETMASK, &saved, nullptr);
    if (pid < 0) {
        const char* step = req.directory ? "fork" : "posix_spawnp";  // where the original would fail
        return SpawnError{req.argv[0] + ": createProcess: " + step + ": " +
                          configurator::io_error_description(clone_errno)};
    }
    if (job.failed_step == ChildStep::none) return pid;  // it has exec'd
    // The child has exited; the daemon's SIGCHLD reaper collects it (pid unknown to it).
    const char* step = job.failed_step == ChildStep::chdir ? "chdir"
                       : job.failed_step == ChildStep::dup  ? "dup2"
                       : req.directory                      ? "exec"
                                                            : "posix_spawnp";
    return SpawnError{req.argv[0] + ": createProcess: " + step + ": " +
                      configurator::io_error_description(job.failed_errno)};
}

}  // namespace angel
