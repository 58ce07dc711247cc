// Process-wide signal dispositions that are not handled by the event loop.
#pragma once

namespace angel {

/// PIPE is ignored (a closed stdout must not kill angel: writes get EPIPE), and so is
/// QUIT (the original printed a runtime message: defect D20, fixed). USR1, USR2, ALRM
/// and TSTP keep their default actions, as in the original. Children get defaults back.
void ignore_process_signals();

/// Unblocks the signals the event loop handles (HUP, TERM, INT, CHLD), in case angel was
/// started with them blocked: a blocked CHLD would leave every child unreaped.
void unblock_handled_signals();

}  // namespace angel
