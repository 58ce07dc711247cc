// Process-wide signal dispositions (the one place that calls sigaction directly).
#include "supervisor/process_signals.hpp"

#include <signal.h>

namespace angel {

void ignore_process_signals() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
    ::sigaction(SIGQUIT, &ignore, nullptr);
}

}  // namespace angel
