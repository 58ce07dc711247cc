// The engine's scheduling: start-up, signals, loads, the one-at-a-time queue of
// work, shutdown, and the recovery that keeps a throwing handler from stalling it.
#include "supervisor/engine/supervisor.hpp"

#include <chrono>
#include <exception>

namespace angel {
namespace {

constexpr auto kPollInterval = std::chrono::seconds(10);

}  // namespace

Supervisor::Supervisor(Effects& effects) : fx_(effects) {}

void Supervisor::start() {
    guarded([this] {
        arm_poll();  // the poll loop starts just before the first load (spec 7.4)
        pump();
    });
}

void Supervisor::on_hup() {
    guarded([this] {
        if (scheduler_.request_reload()) pump();
    });
}

void Supervisor::on_shutdown_signal() {
    guarded([this] { begin_shutdown(Level::v2, std::string(msg::shutdown_received)); });
}

void Supervisor::begin_shutdown(Level level, const std::string& line) {
    if (!scheduler_.request_shutdown()) return;
    fx_.log(level, msg::ctx_main, line);
    fx_.notify("STOPPING=1");
    fx_.log(Level::v2, msg::ctx_main, msg::clearing_config);
    desired_.clear();
    ++loads_;
    for (auto& [name, block] : blocks_) block->on_load();
    fx_.log(Level::v2, msg::ctx_main, msg::forcing_sync);
    if (poll_timer_) poll_timer_->cancel();
    pump();  // the final sync waits for the work in progress (D13, fixed)
}

void Supervisor::settle() {
    release_pending();
    if (critical_ && !critical_->begun) {
        critical_->begun = true;
        // Logged at -v 1 too: it is why angel ends, with a status that is not 0.
        begin_shutdown(Level::v1, std::string(msg::critical_program) + critical_->id +
                                      std::string(msg::critical_shutdown) + std::to_string(critical_->code));
    }
}

const Instance* Supervisor::instance(const std::string& id) const {
    auto found = instances_.find(id);
    return found == instances_.end() ? nullptr : found->second.get();
}

Instance& Supervisor::new_instance(const std::string& id) {
    auto& entry = instances_[id];
    entry = std::make_unique<Instance>();
    entry->id = id;
    entry->since = fx_.now();
    return *entry;
}

Instance* Supervisor::find(const std::string& id) {
    auto found = instances_.find(id);
    return found == instances_.end() ? nullptr : found->second.get();
}

const Slot* Supervisor::slot(const std::string& id) const {
    auto found = served_.find(id);
    return found == served_.end() ? nullptr : found->second;
}

const StopRun* Supervisor::sync_stop() const { return sync_ && sync_->active ? sync_->active.get() : nullptr; }

void Supervisor::guarded(const std::function<void()>& handler) {
    struct Depth {
        int& depth;
        explicit Depth(int& d) : depth(d) { ++depth; }
        ~Depth() { --depth; }
    };
    try {
        {
            Depth depth(guard_depth_);
            handler();
            if (guard_depth_ == 1) settle();
        }
        // The outermost event is over: requests that wait (restart, reload) look again.
        if (guard_depth_ == 0 && observer_) observer_();
    } catch (...) {
        // Put every invariant back before the exception goes on to the loop, which
        // reports it: otherwise a half-done piece of work would hold the scheduler busy
        // and HUP, the poll and TERM would wait for ever.
        for (int attempt = 0; attempt < 3; ++attempt) {
            try {
                recover();
                break;
            } catch (...) {
            }
        }
        throw;
    }
}

void Supervisor::recover() {
    // States set below, and a look at the held ones that the throw may have cut short,
    // bypass began_to_run: the next settle looks at every held program again.
    look_at_pending_ = true;
    // Instances that the throw left between two states.
    for (auto it = instances_.begin(); it != instances_.end();) {
        Instance& inst = *it->second;
        bool drop = false;
        switch (inst.state) {
            case InstanceState::absent:
                drop = true;
                break;
            case InstanceState::starting:
                // A child that started is supervised; one that did not is started
                // again by the next sync, as after a spawn failure.
                if (inst.pid > 0) {
                    inst.state = InstanceState::running;
                } else {
                    drop = true;
                }
                break;
            case InstanceState::failing:
                if (!inst.own_stop || !inst.own_stop->waiting()) drop = true;
                break;
            case InstanceState::waiting:
                if (!inst.delay_timer || !inst.delay_timer->armed()) {
                    arm_delay(inst, inst.wait.value_or(delay_seconds(inst.spec)));  // maxdelay's wait
                }
                break;
            case InstanceState::running:
            case InstanceState::killed:
            case InstanceState::done:  // no child, no timer: nothing to redo
            case InstanceState::failed:
            case InstanceState::stopped:
            case InstanceState::pending:
                break;
        }
        it = drop ? instances_.erase(it) : std::next(it);
    }
    // Served blocks: a dead generation still in a live state would hold its slot; each
    // block counts itself again (the next event decides it).
    for (auto& [name, block] : blocks_) block->recover();
    // The work in progress: unless a kill's grace timer will carry it on, it is
    // abandoned here; the next sync redoes whatever it did not get to.
    if (scheduler_.busy() && !(sync_ && sync_->active && sync_->active->waiting())) finish_work();
}

void Supervisor::pump() {
    if (pumping_) return;  // the loop below, further up the stack, takes the next work
    pumping_ = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{pumping_};
    while (!scheduler_.busy()) {
        const Work work = scheduler_.take_next();
        if (work == Work::none) break;
        begin_work(work);
    }
}

void Supervisor::begin_work(Work work) {
    current_ = work;
    switch (work) {
        case Work::none:
            return;
        case Work::first_load:
            return load_and_sync();
        case Work::reload:
            ++reloads_begun_;
            work_outcome_ = RequestOutcome{true, "nothing to change"};
            fx_.log(Level::v2, msg::ctx_config, msg::hup_caught);
            fx_.notify("RELOADING=1");
            return load_and_sync();
        case Work::tick:
        case Work::shutdown:
            return sync();
    }
}

void Supervisor::finish_work() {
    const Work done = current_;
    current_ = Work::none;
    sync_.reset();
    scheduler_.finish();
    switch (done) {
        case Work::shutdown:
            // Served instances stopped outside the kill queue (new ones, retiring ones)
            // get their KILL after termgrace too: the end waits for their grace periods.
            if (served_graces_ > 0) {
                final_pending_ = true;
                return;
            }
            return finish_shutdown();
        case Work::tick:
            if (!scheduler_.shutdown_requested()) arm_poll();  // measured from the end of the sync
            break;
        case Work::first_load:
        case Work::reload:
            // systemd Type=notify: started, or reloaded; never after STOPPING=1 (a TERM
            // that came during this load already said it).
            if (!scheduler_.shutdown_requested()) fx_.notify("READY=1");
            if (done == Work::reload) {
                ++reloads_finished_;
                last_reload_ = work_outcome_;
            }
            if (load_observer_) load_observer_();
            break;
        case Work::none:
            break;
    }
    pump();
}

void Supervisor::finish_shutdown() {
    final_pending_ = false;
    fx_.log(Level::v2, msg::ctx_main, msg::all_folks);
    // Nothing is logged after this record: the loop ends here, without waiting for
    // children (D4, as the original).
    fx_.finish();
}

void Supervisor::load_and_sync() {
    auto loaded = fx_.load_config();
    if (auto* error = std::get_if<std::string>(&loaded)) {
        // The last good program set stays (spec 7.6).
        work_outcome_ = RequestOutcome{false, *error};
        counters_.load_failed();
        fx_.log(Level::v1, msg::ctx_config, std::string(msg::config_error) + *error);
        fx_.log(Level::v2, msg::ctx_config, msg::skipping_reload);
        return finish_work();
    }
    desired_ = std::move(std::get<ProgramSpecs>(loaded));
    ++loads_;
    counters_.load_succeeded(fx_.now());
    for (auto& [name, block] : blocks_) block->on_load();  // counted against the new config at once
    // What status shows of ids gone for good goes with them (one pass per load).
    std::erase_if(history_, [this](const auto& entry) {
        const std::string& id = entry.first;
        return !desired_.contains(id) && !instances_.contains(id) && !served_.contains(id);
    });
    sync();
}

void Supervisor::arm_poll() {
    if (!poll_timer_) {
        poll_timer_ = fx_.make_timer([this] {
            guarded([this] {
                scheduler_.request_tick();
                pump();
            });
        });
    }
    poll_timer_->arm(kPollInterval);
}

}  // namespace angel
