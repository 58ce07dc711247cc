// Process-wide signal dispositions that are not handled by the event loop.
#pragma once

namespace angel {

/// PIPE is ignored (a closed stdout must not kill angel: writes get EPIPE), and so is
/// QUIT (the original printed a runtime message: defect D20, fixed). USR1, USR2, ALRM
/// and TSTP keep their default actions, as in the original. Children get defaults back.
void ignore_process_signals();

/// Unblocks the signals the event loop handles with handlers (HUP, TERM, INT), in case
/// angel was started with them blocked. CHLD stays blocked: it is read from a signalfd.
void unblock_handled_signals();

/// SIGCHLD as a descriptor: its disposition is first set back to the default (an
/// inherited SIG_IGN or SA_NOCLDWAIT would reap children behind angel's back), then the signal is blocked and read from a signalfd
/// (non-blocking, close-on-exec), so that a child's exit costs no signal handler,
/// no handler pipe and no sigreturn. -1 with errno if the kernel refuses.
int open_child_signal_fd();

/// Reads every pending SIGCHLD notification from the descriptor (they coalesce:
/// the caller reaps with waitpid until nothing is left).
void drain_child_signal_fd(int fd);

}  // namespace angel
