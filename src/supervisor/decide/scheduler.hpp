// The daemon's own phase (spec 7.4, 7.5, 8): which load or sync runs now, and what
// waits. One piece of work at a time (D13, fixed); HUPs coalesce into one reload;
// shutdown waits for the work in progress, then goes before anything else; after
// TERM/INT a HUP is ignored (D14, fixed). Pure: no clock, no I/O.
#pragma once

#include <cstdint>
#include <string_view>

namespace angel {

enum class Phase : std::uint8_t {
    idle,           ///< nothing runs; the next request starts at once
    loading,        ///< the first load and its sync, or a HUP's
    syncing,        ///< a poll tick's sync
    shutting_down,  ///< the final sync after TERM/INT
    finished,       ///< the final sync is over: nothing more runs
};

enum class Work : std::uint8_t {
    none,
    first_load,  ///< load and sync at start-up (no `HUP caught`)
    reload,      ///< a HUP's load and sync
    tick,        ///< the poll's sync
    shutdown,    ///< the final sync
};

std::string_view name_of(Phase phase);

class Scheduler {
public:
    /// A HUP: false when ignored (shutdown requested); coalesces with a pending one.
    bool request_reload();
    /// The poll timer fired.
    void request_tick();
    /// TERM/INT: true the first time only (later ones are ignored).
    bool request_shutdown();

    /// If idle, the work to start now (the phase becomes busy with it); else none.
    /// Order: shutdown, the first load, a reload, a tick.
    Work take_next();
    /// The work in progress is over, done or abandoned.
    void finish();

    Phase phase() const { return phase_; }
    bool busy() const { return phase_ != Phase::idle && phase_ != Phase::finished; }
    bool shutdown_requested() const { return shutdown_requested_; }
    bool reload_pending() const { return reload_pending_; }
    bool tick_pending() const { return tick_pending_; }

private:
    Phase phase_ = Phase::idle;
    bool first_load_pending_ = true;
    bool reload_pending_ = false;
    bool tick_pending_ = false;
    bool shutdown_requested_ = false;
};

}  // namespace angel
