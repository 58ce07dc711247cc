// One running-set entry: a program id between its START and its end, with the
// timers it owns. Its state changes only through the instance table.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "supervisor/decide/instance_table.hpp"
#include "supervisor/engine/effects.hpp"
#include "supervisor/engine/health.hpp"
#include "supervisor/engine/stop_run.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

struct Instance {
    std::string id;
    InstanceState state = InstanceState::absent;
    ProgramSpec spec;                    ///< read at the last START (spec 6)
    std::uint64_t generation = 0;        ///< of its current child; 0 before the first spawn
    pid_t pid = 0;                       ///< its live child, 0 if none
    pid_t logger_pid = 0;                ///< its live logger, 0 if none
    Clock::time_point since{};           ///< when it entered its state
    std::unique_ptr<Timer> delay_timer;  ///< WAITING -> RESTART
    std::unique_ptr<StopRun> own_stop;   ///< failing: the kill of its own child
    std::string error_text;              ///< failing: reported once the kill is over
    Clock::time_point started_at{};      ///< its current child's spawn (maxdelay)
    std::int64_t quick_failures = 0;     ///< maxdelay: consecutive short runs
    std::optional<std::int64_t> wait;    ///< maxdelay: the wait its exit computed
    std::unique_ptr<StopRun> restart_stop;  ///< angelctl restart: the stop of its child
    bool restart_now = false;            ///< angelctl restart: its next exit restarts at once
    bool hold = false;                   ///< angelctl stop: its child's end leaves it stopped
    std::unique_ptr<StopRun> hold_stop;  ///< angelctl stop: the kill of its child (a removal's)
    std::optional<int> exit_status;      ///< its last child's exit status; nullopt: a signal (restart)
    std::string exit_text;               ///< how its last child ended ("exit 0"), for the DONE line
    int exit_code = 1;                   ///< the same as a shell's code (128 + a signal), for `critical`
    std::unique_ptr<Health> health;      ///< `check`: while it runs (and no stop of its own is under way)
    bool health_restart = false;         ///< its restart_now comes from failed checks: maxdelay's back-off
};

}  // namespace angel
