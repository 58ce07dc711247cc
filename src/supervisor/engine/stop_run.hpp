// One kill sequence in progress (the stop table, carried out): it owns its grace
// timer, so it can be shown, and it can outlive the instance it was for (a child
// that dies during the grace may QUIT; D9: the wait and `Hard killing` still come).
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "supervisor/decide/reconcile.hpp"
#include "supervisor/decide/stop_table.hpp"
#include "supervisor/engine/effects.hpp"

namespace angel {

class Supervisor;

class StopRun {
public:
    /// `on_done` runs once, last, when the sequence ends later than begin() (after a
    /// grace timer); it may destroy this StopRun.
    StopRun(Supervisor& owner, std::string id, StopTarget target, std::function<void()> on_done);
    StopRun(const StopRun&) = delete;
    StopRun& operator=(const StopRun&) = delete;

    /// Starts the sequence; true when it is over at once (a soft kill), in which
    /// case on_done is not called: the caller goes on in its own loop (no recursion
    /// through thousands of soft kills).
    bool begin();

    const std::string& id() const { return id_; }
    const StopTarget& target() const { return target_; }
    StopState state() const { return state_; }
    /// Waiting on its grace timer: something will happen without any other event.
    bool waiting() const { return grace_timer_ && grace_timer_->armed(); }
    /// The sequence has ended (its last signal sent, its grace over).
    bool over() const { return over_; }

private:
    void on_event(StopEvent event);

    Supervisor& owner_;
    std::string id_;
    StopTarget target_;
    std::function<void()> on_done_;
    StopState state_ = StopState::idle;
    bool in_begin_ = false;
    bool over_ = false;
    std::unique_ptr<Timer> grace_timer_;
};

}  // namespace angel
