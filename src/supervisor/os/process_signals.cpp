// Process-wide signal dispositions and mask, and SIGCHLD as a descriptor. (Children
// get their dispositions back in os/spawn.)
#include "supervisor/os/process_signals.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include <initializer_list>

namespace angel {

void ignore_process_signals() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
    ::sigaction(SIGQUIT, &ignore, nullptr);
}

void unblock_handled_signals() {
    sigset_t handled;
    ::sigemptyset(&handled);
    for (int sig : {SIGHUP, SIGTERM, SIGINT}) ::sigaddset(&handled, sig);
    ::sigprocmask(SIG_UNBLOCK, &handled, nullptr);
}

int open_child_signal_fd() {
    // SIGCHLD back to its default first: an ignore (SIG_IGN, or SA_NOCLDWAIT) inherited
    // from angel's parent survives exec and would make the kernel reap angel's children
    // itself, with no signal and nothing for waitpid: no program would ever be restarted.
    struct sigaction deflt {};
    deflt.sa_handler = SIG_DFL;
    ::sigaction(SIGCHLD, &deflt, nullptr);
    sigset_t child;
    ::sigemptyset(&child);
    ::sigaddset(&child, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &child, nullptr);  // children get an empty mask at spawn
    return ::signalfd(-1, &child, SFD_NONBLOCK | SFD_CLOEXEC);
}

void drain_child_signal_fd(int fd) {
    signalfd_siginfo info[16];
    while (true) {
        const ssize_t n = ::read(fd, info, sizeof info);
        if (n < 0 && errno == EINTR) continue;
        if (n < static_cast<ssize_t>(sizeof info)) return;  // drained (EAGAIN) or a short read
    }
}

}  // namespace angel
