// A served program's state in the engine: per id a slot holding up to three kinds of
// generation (the serving one, a new one not ready yet, old ones being stopped), and
// per program block the rollout's retry state. Only served_*.cpp changes them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "supervisor/engine/effects.hpp"
#include "supervisor/engine/stop_run.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// One child of a served slot, from its spawn to its reaping.
struct Generation {
    std::uint64_t number = 0;    ///< its generation (the pid index names it)
    ProgramSpec spec;            ///< what it was started with
    pid_t pid = 0;               ///< 0 once reaped
    pid_t logger_pid = 0;        ///< 0 if none or reaped
    Clock::time_point started{};
    bool ready = false;
    std::string status;                   ///< its last STATUS=, logged when it changes
    std::unique_ptr<Watch> channel;       ///< notify socket or readiness pipe
    std::unique_ptr<Timer> ready_timer;   ///< `ready = N` seconds
    std::unique_ptr<Timer> timeout_timer; ///< readytimeout
    std::unique_ptr<Timer> age_timer;     ///< maxage
    std::unique_ptr<StopRun> stop;        ///< once it is being stopped
    mutable std::uint64_t checked_load = 0;  ///< the config load `stale` was computed for
    mutable bool stale = false;              ///< its spec differs from the desired one

    bool alive() const { return pid > 0; }
};

struct Slot {
    std::string id;
    std::string group;
    std::unique_ptr<Generation> serving;    ///< ready (or, before any readiness, never: see candidate)
    std::unique_ptr<Generation> candidate;  ///< started, not ready yet
    std::vector<std::unique_ptr<Generation>> retiring;  ///< being stopped, or reaped with a grace still running
    bool held = false;                      ///< its serving one died: the restart delay runs
    bool restarting = false;                ///< the next candidate follows a RESTART
    std::unique_ptr<Timer> restart_timer;
    /// Its serving one must be replaced: after a failed try, `automatic` (maxage, maxrss,
    /// STOPPING=1) tries again with the back-off; `asked` (angelctl restart) does not.
    enum class Recycle { automatic, asked };
    std::optional<Recycle> recycle;
    std::optional<ProgramSpec> failed_spec; ///< the spec of its last candidate that failed
    std::int64_t quick_failures = 0;        ///< maxdelay: consecutive short runs
    mutable const ProgramSpec* want = nullptr;  ///< its desired spec (into the desired set) ...
    mutable std::uint64_t want_load = 0;        ///< ... as of this config load

    bool empty() const { return !serving && !candidate && retiring.empty(); }
};

/// One program block's rollout state.
struct Group {
    std::map<std::string, Slot*> slots;  ///< its slots by id (owned by the engine's map)
    std::int64_t failures = 0;    ///< consecutive candidates that did not become ready
    std::unique_ptr<Timer> retry_timer;  ///< armed: a failure's back-off runs, nothing starts
    bool blocked = false;         ///< a listen address failed: nothing starts before the next sync
    bool rolling = false;         ///< a rollout was announced and is not done

    bool paused() const { return blocked || (retry_timer && retry_timer->armed()); }
};

}  // namespace angel
