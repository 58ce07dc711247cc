// The daemon's scheduler: phase and pending requests.
#include "supervisor/decide/scheduler.hpp"

namespace angel {

bool Scheduler::request_reload() {
    if (shutdown_requested_) return false;  // D14, fixed: no restarts during shutdown
    reload_pending_ = true;
    return true;
}

void Scheduler::request_tick() {
    if (!shutdown_requested_) tick_pending_ = true;
}

bool Scheduler::request_shutdown() {
    if (shutdown_requested_) return false;  // further TERM/INT are ignored
    shutdown_requested_ = true;
    reload_pending_ = false;
    tick_pending_ = false;
    return true;
}

Work Scheduler::take_next() {
    if (phase_ != Phase::idle) return Work::none;
    if (shutdown_requested_) {
        phase_ = Phase::shutting_down;
        return Work::shutdown;
    }
    if (first_load_pending_) {
        first_load_pending_ = false;
        phase_ = Phase::loading;
        return Work::first_load;
    }
    if (reload_pending_) {
        reload_pending_ = false;
        phase_ = Phase::loading;
        return Work::reload;
    }
    if (tick_pending_) {
        tick_pending_ = false;
        phase_ = Phase::syncing;
        return Work::tick;
    }
    return Work::none;
}

void Scheduler::finish() {
    if (phase_ == Phase::shutting_down) {
        phase_ = Phase::finished;
    } else if (phase_ != Phase::finished) {
        phase_ = Phase::idle;
    }
}

std::string_view name_of(Phase phase) {
    switch (phase) {
        case Phase::idle: return "idle";
        case Phase::loading: return "loading";
        case Phase::syncing: return "syncing";
        case Phase::shutting_down: return "shutting-down";
        case Phase::finished: return "finished";
    }
    return "?";
}

}  // namespace angel
