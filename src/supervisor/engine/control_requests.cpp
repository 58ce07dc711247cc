// What the control socket asks of the engine: a status snapshot, a restart, a
// signal, a reload, and the progress of the ones a client waits for. Each request
// is one short pass over the state; nothing here blocks or waits.
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>

#include "supervisor/decide/start_order.hpp"
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/durations.hpp"
#include "supervisor/spec/policy_keys.hpp"
#include "supervisor/spec/serve_spec.hpp"

namespace angel {
namespace {

std::int64_t seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(to - from).count());
}

bool is_count_instance(const std::string& id, const std::string& name) {
    if (id.size() <= name.size() + 1 || id.compare(0, name.size(), name) != 0 || id[name.size()] != '-') return false;
    return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(name.size()) + 1, id.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string describe_wait_status(int status) {
    if (status < 0) return {};
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = ::sigabbrev_np(sig);
        return "signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : std::string());
    }
    return {};
}

void Supervisor::set_observer(std::function<void()> observer) { observer_ = std::move(observer); }

std::variant<std::vector<std::string>, std::string> Supervisor::match_ids(const std::vector<std::string>& names) const {
    std::vector<std::string> ids;
    auto known = [&](const std::string& id) {
        return desired_.contains(id) || instances_.contains(id) || served_.contains(id);
    };
    if (names.empty()) {
        // Everything angel is responsible for: the config's programs, and instances
        // still stopping after they left it.
        for (const auto& [id, spec] : desired_) ids.push_back(id);
        for (const auto& [id, inst] : instances_) ids.push_back(id);
        for (const auto& [id, slot] : served_) ids.push_back(id);
    } else {
        for (const std::string& name : names) {
            const std::size_t before = ids.size();
            if (known(name)) {
                ids.push_back(name);
                continue;
            }
            // A block with `count`: its instances name-1, name-2, ... (a range of the map).
            for (auto it = desired_.lower_bound(name + "-"); it != desired_.end() && it->first.starts_with(name + "-");
                 ++it) {
                if (is_count_instance(it->first, name)) ids.push_back(it->first);
            }
            if (ids.size() == before) return std::string(msg::reply_no_program) + name;
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::vector<InstanceStatus> Supervisor::status(const std::vector<std::string>& ids) const {
    const Clock::time_point now = fx_.now();
    std::vector<InstanceStatus> out;
    out.reserve(ids.size());
    for (const std::string& id : ids) {
        InstanceStatus s;
        s.id = id;
        if (auto h = history_.find(id); h != history_.end()) {
            s.restarts = h->second.starts > 0 ? h->second.starts - 1 : 0;
            s.last_exit = h->second.last_exit;
            s.last_exit_code = h->second.last_exit_code;
            s.last_error = h->second.last_error;
        }
        if (const Instance* inst = instance(id)) {
            switch (inst->state) {
                case InstanceState::absent:
                case InstanceState::starting:
                    s.state = RunState::starting;
                    break;
                case InstanceState::running:
                    s.state = inst->restart_stop || inst->hold ? RunState::stopping : RunState::running;
                    break;
                case InstanceState::killed:
                case InstanceState::failing:
                    s.state = RunState::stopping;
                    break;
                case InstanceState::waiting:
                    s.state = RunState::waiting;
                    s.wait_seconds = inst->wait.value_or(delay_seconds(inst->spec));
                    break;
                case InstanceState::done:  // `restart` keeps it ended
                    s.state = RunState::done;
                    break;
                case InstanceState::failed:
                    s.state = RunState::failed;
                    break;
                case InstanceState::stopped:  // angelctl stop holds it down
                    s.state = RunState::stopped;
                    break;
                case InstanceState::pending:  // `after`: its first start waits
                    s.state = RunState::waiting;
                    s.waiting_for = waiting_of(id);
                    break;
            }
            if (inst->health) s.health = HealthStatus{inst->health->last, inst->health->failures, inst->health->checks};
            // Left the config, its kill in progress: stopping, whatever its table state.
            if (!desired_.contains(id) && inst->pid > 0) s.state = RunState::stopping;
            s.pid = inst->pid;
            if (inst->pid > 0) {
                s.uptime_seconds = seconds_between(inst->started_at, now);
                s.started_at = inst->started_at;
                s.children.push_back(ChildStatus{ChildRole::main, inst->pid, s.uptime_seconds, std::nullopt});
            }
        } else if (const Slot* sl = slot(id)) {
            const bool wanted = desired_.contains(id);
            const Generation* serving = sl->serving();
            const Generation* candidate = sl->candidate();
            if (sl->stopped) {
                s.state = sl->any_alive() ? RunState::stopping : RunState::stopped;  // angelctl stop
            } else if (serving != nullptr) {
                s.state = wanted ? RunState::running : RunState::stopping;
                s.pid = serving->pid;
                s.uptime_seconds = seconds_between(serving->started, now);
                s.started_at = serving->started;
                s.ready = true;
                if (serving->health) {
                    s.health = HealthStatus{serving->health->last, serving->health->failures, serving->health->checks};
                }
            } else if (candidate != nullptr) {
                s.state = RunState::starting;
                s.ready = false;
            } else if (sl->held && wanted) {
                s.state = RunState::waiting;
                s.wait_seconds = delay_seconds(desired_.at(id));
            } else {
                s.state = wanted ? RunState::starting : RunState::stopping;
            }
            for (const auto& g : sl->generations) {
                if (!g->alive()) continue;
                const ChildRole role = g->state == GenerationState::serving    ? ChildRole::serving
                                       : g->state == GenerationState::starting ? ChildRole::fresh
                                                                               : ChildRole::retiring;
                s.children.push_back(ChildStatus{role, g->pid, seconds_between(g->started, now), g->was_ready});
            }
        } else if (held_served_.contains(id)) {  // `after`: its slot waits
            s.state = RunState::waiting;
            s.waiting_for = waiting_of(id);
        } else {
            // In the config, nothing running: its last start failed (the next sync, at
            // most 10 s away, tries again) or the sync that starts it is still to come.
            s.state = s.last_error.empty() ? RunState::starting : RunState::failed;
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::variant<RequestToken, std::string> Supervisor::restart(const std::string& id) {
    if (scheduler_.shutdown_requested()) return std::string(msg::reply_shutting_down);
    if (!desired_.contains(id)) return std::string(msg::reply_no_program) + id;
    RequestToken token = token_for(id, RequestToken::Ask::restart);
    std::optional<std::string> refused;
    guarded([&] {
        if (auto it = served_.find(id); it != served_.end()) {
            Slot& sl = *it->second;
            if (sl.stopped) {
                refused = id + std::string(msg::reply_is_stopped);
                return;
            }
            if (sl.serving() == nullptr) {
                refused = id + std::string(msg::reply_no_serving);
                return;
            }
            if (sl.recycle) {
                refused = id + std::string(msg::reply_being_replaced);
                return;
            }
            sl.block->restart(sl);
            return sweep_blocks();
        }
        Instance* inst = find(id);
        if (inst == nullptr) {
            // Its last start failed: the next sync would try again; this one does now.
            scheduler_.request_tick();
            return pump();
        }
        switch (inst->state) {
            case InstanceState::waiting:
                fx_.log(Level::v2, program_context(id), msg::restart_requested);
                if (inst->delay_timer) inst->delay_timer->cancel();
                return dispatch(*inst, InstanceEvent::delay_elapsed);
            case InstanceState::running:
                if (inst->restart_stop) {
                    refused = id + std::string(msg::reply_restarting);
                    return;
                }
                // The sync in progress is killing it (a HUP changed or removed it): its own
                // kill sequence runs; a second one beside it would only race it.
                if (const StopRun* stop = sync_stop(); stop != nullptr && stop->target().pid == inst->pid) {
                    refused = id + std::string(msg::reply_busy);
                    return;
                }
                break;
            case InstanceState::absent:
            case InstanceState::starting:
            case InstanceState::killed:
            case InstanceState::failing:
                refused = id + std::string(msg::reply_busy);
                return;
 case InstanceState::pending:
                refused = id + std::string(msg::reply_pending) + joined(waiting_of(id));
                return;
            case InstanceState::done:
            case InstanceState::failed:
                refused = id + " is " + std::string(name_of(inst->state)) + std::string(msg::reply_ended) +
                          std::string(name_of(inst->spec.restart)) + std::string(msg::reply_ended_rerun);
                return;
            case InstanceState::stopped:
                refused = id + std::string(msg::reply_is_stopped);
                return;
        }
        if (inst->hold) {
            refused = id + std::string(msg::reply_stopping);
            return;
        }
        // TERM (and KILL after termgrace) to its child; its exit restarts it at once.
        fx_.log(Level::v2, program_context(id), msg::restart_requested);
        restart_child(*inst, false);
    });
    if (refused) return *refused;
    return token;
}

std::optional<RequestOutcome> Supervisor::request_outcome(const RequestToken& token) const {
    if (scheduler_.shutdown_requested()) return RequestOutcome{false, std::string(msg::reply_shutting_down)};
    if (token.ask == RequestToken::Ask::stop) return stop_outcome(token);
    if (token.ask == RequestToken::Ask::restart && is_held(token.id)) {
        return RequestOutcome{false, token.id + std::string(msg::reply_was_stopped)};
    }
    auto h = history_.find(token.id);
    if (h == history_.end()) return RequestOutcome{false, token.id + std::string(msg::reply_left)};
    if (token.served) {
        const Slot* sl = slot(token.id);
        if (h->second.promotions > token.promotions && sl && sl->serving()) {
            const std::string_view done = token.ask == RequestToken::Ask::start ? msg::reply_started : msg::reply_replaced;
            return RequestOutcome{true, token.id + std::string(done) + std::to_string(sl->serving()->pid) + ")"};
        }
        if (h->second.start_failures > token.start_failures) {
            return RequestOutcome{false, token.id + std::string(msg::reply_new_failed) + h->second.last_error + ")"};
        }
    } else {
        const Instance* inst = instance(token.id);
        const std::string_view done = token.ask == RequestToken::Ask::start ? msg::reply_started : msg::reply_restarted;
        if (h->second.starts > token.starts && inst && inst->state == InstanceState::running && inst->pid > 0) {
            return RequestOutcome{true, token.id + std::string(done) + std::to_string(inst->pid) + ")"};
        }
        if (token.ask == RequestToken::Ask::start && h->second.starts > token.starts && inst && inst->pid == 0 &&
            inst->state != InstanceState::starting) {
            // A one-shot may be over before the reply: how it ended is the outcome.
            return RequestOutcome{inst->state == InstanceState::done,
                                  token.id + std::string(msg::reply_started_ended) + h->second.last_exit + ")"};
        }
        if (h->second.start_failures > token.start_failures) {
            return RequestOutcome{false, token.id + ": " + h->second.last_error};
        }
    }
    if (!desired_.contains(token.id)) return RequestOutcome{false, token.id + std::string(msg::reply_left)};
    return std::nullopt;
}

std::size_t Supervisor::send_signal(const std::vector<std::string>& ids, int sig) {
    std::size_t sent = 0;
    auto send = [&](pid_t pid, bool group) {
        if (pid <= 0) return;
        fx_.signal(group ? -pid : pid, sig);
        ++sent;
    };
    for (const std::string& id : ids) {
        if (const Instance* inst = instance(id)) send(inst->pid, inst->spec.killgroup);
        if (const Slot* sl = slot(id)) {
            for (const Generation* g : {sl->serving(), sl->candidate()}) {
                if (g != nullptr && g->alive()) send(g->pid, g->spec.killgroup);
            }
        }
    }
    return sent;
}

std::variant<std::uint64_t, std::string> Supervisor::request_reload() {
    if (scheduler_.shutdown_requested()) return std::string(msg::reply_shutting_down);
    // A reload already running read the config before this request: the one to wait
    // for is the next to begin.
    const std::uint64_t wanted = reloads_begun_ + 1;
    on_hup();
    return wanted;
}

std::optional<RequestOutcome> Supervisor::reload_outcome(std::uint64_t wanted) const {
    if (reloads_finished_ >= wanted) return last_reload_;
    return std::nullopt;
}

}  // namespace angel
