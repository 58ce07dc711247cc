// Process-wide signal dispositions (the one place that calls sigaction directly).
#include "supervisor/os/process_signals.hpp"

#include <signal.h>

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
    for (int sig : {SIGHUP, SIGTERM, SIGINT, SIGCHLD}) ::sigaddset(&handled, sig);
    ::sigprocmask(SIG_UNBLOCK, &handled, nullptr);
}

}  // namespace angel
