// One instance's health checks (`check`) in the engine: the timers, the check in
// flight, the run of failures. Owned by a plain instance while it runs, or by a served
// generation while it serves; destroying it abandons the check in flight (an exec
// probe's process group is killed, so a hung probe never outlives its instance).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "supervisor/engine/effects.hpp"

namespace angel {

struct Health {
    explicit Health(Effects& effects) : fx(effects) {}
    Health(const Health&) = delete;
    Health& operator=(const Health&) = delete;
    ~Health() {
        if (probe_pid > 0) fx.signal(-probe_pid, SIGKILL);
    }

    Effects& fx;
    std::unique_ptr<Timer> next_timer;     ///< the next check comes due
    std::unique_ptr<Timer> timeout_timer;  ///< the check in flight is over `checktimeout`
    std::unique_ptr<Watch> probe;          ///< an http or tcp check in flight
    pid_t probe_pid = 0;                   ///< an exec check in flight: its process group
    bool in_flight = false;                ///< one check at a time
    bool due = false;                      ///< the next came due while one was in flight
    std::int64_t failures = 0;             ///< consecutive failed checks
    std::uint64_t checks = 0;              ///< checks done
    std::string last;                      ///< "ok" or the last failure's reason; empty: none yet
};

}  // namespace angel
