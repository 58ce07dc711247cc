// A served program's state in the engine: per id a slot holding its generations (each
// in a state of the generation table: starting, serving, retiring, gone), owned by
// its program block (served_block.hpp). Only served_block*.cpp changes them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "supervisor/decide/generation_table.hpp"
#include "supervisor/decide/rollout.hpp"
#include "supervisor/engine/effects.hpp"
#include "supervisor/engine/health.hpp"
#include "supervisor/engine/stop_run.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

class ServedBlock;

/// One child of a served slot, from its spawn to the end of its stop sequence.
struct Generation {
    std::uint64_t number = 0;    ///< its generation (the pid index names it)
    GenerationState state = GenerationState::starting;  ///< changed only by the table
    ProgramSpec spec;            ///< what it was started with
    pid_t pid = 0;               ///< 0 once reaped
    pid_t logger_pid = 0;        ///< 0 if none or reaped
    Clock::time_point started{};
    bool was_ready = false;      ///< it has served (ENDED (replaced) when it dies retiring)
    std::string status;                   ///< its last STATUS=, logged when it changes
    std::unique_ptr<Watch> channel;       ///< notify socket or readiness pipe
    std::unique_ptr<Timer> ready_timer;   ///< `ready = N` seconds
    std::unique_ptr<Timer> timeout_timer; ///< readytimeout
    std::unique_ptr<Timer> age_timer;     ///< maxage
    std::unique_ptr<StopRun> stop;        ///< once it is being stopped
    std::unique_ptr<Health> health;       ///< `check`: while it serves
    std::unique_ptr<Timer> watchdog_timer; ///< `watchdog`: while it serves, re-armed by WATCHDOG=1
    mutable std::uint64_t checked_load = 0;  ///< the config load `stale` was computed for
    mutable bool stale = false;              ///< its spec differs from the desired one

    bool alive() const { return pid > 0; }
};

struct Slot {
    std::string id;
    ServedBlock* block = nullptr;
    std::vector<std::unique_ptr<Generation>> generations;  ///< at most one starting, one serving
    bool held = false;                      ///< its serving one died: the restart delay runs
    bool restarting = false;                ///< the next new instance follows a RESTART
    bool stopped = false;                   ///< angelctl stop: nothing starts, until angelctl start
    std::unique_ptr<Timer> restart_timer;
    /// Its serving one must be replaced: after a failed try, `automatic` (maxage, maxrss,
    /// STOPPING=1) tries again with the back-off; `asked` (angelctl restart) does not.
    enum class Recycle { automatic, asked };
    std::optional<Recycle> recycle;
    std::optional<ProgramSpec> failed_spec; ///< the spec of its last new instance that failed
    std::int64_t quick_failures = 0;        ///< maxdelay: consecutive short runs
    mutable const ProgramSpec* want = nullptr;  ///< its desired spec (into the desired set) ...
    mutable std::uint64_t want_load = 0;        ///< ... as of this config load
    SlotTally counted;                      ///< its share in its block's tally, as last counted
    Need queued = Need::none;               ///< where it stands in its block's queue of needs
    std::uint64_t queued_age = 0;           ///< ... and the age it was queued with

    Generation* in_state(GenerationState state) const {
        for (const auto& g : generations) {
            if (g->state == state) return g.get();
        }
        return nullptr;
    }
    const Generation* serving() const { return in_state(GenerationState::serving); }
    bool any_alive() const {
        for (const auto& g : generations) {
            if (g->alive()) return true;
        }
        return false;
    }
    const Generation* candidate() const { return in_state(GenerationState::starting); }
    Generation* find(std::uint64_t number) const {
        for (const auto& g : generations) {
            if (g->number == number) return g.get();
        }
        return nullptr;
    }
};

}  // namespace angel
