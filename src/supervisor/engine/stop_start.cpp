// angelctl stop and start: a program held down (the kill of a removal, then no restart)
// until it is started again. Plain programs go through the instance table (stop_asked,
// start_asked, the `stopped` state); a served program's slot stops every generation
// and starts none while it is stopped (served_block.cpp). Nothing here waits: the
// control server asks request_outcome after every event.

#include "supervisor/decide/start_order.hpp"
#include "supervisor/engine/supervisor.hpp"

namespace angel {
namespace {

RequestOutcome answer(bool ok, const std::string& id, std::string_view text) { return {ok, id + std::string(text)}; }

}  // namespace

bool Supervisor::is_held(const std::string& id) const {
    if (const Instance* inst = instance(id)) return inst->state == InstanceState::stopped || inst->hold;
    if (const Slot* sl = slot(id)) return sl->stopped;
    return false;
}

RequestToken Supervisor::token_for(const std::string& id, RequestToken::Ask ask) {
    const History& h = history_[id];
    return RequestToken{id, ask, served_.contains(id), h.starts, h.start_failures, h.promotions};
}

std::variant<RequestToken, RequestOutcome> Supervisor::stop_program(const std::string& id) {
    if (scheduler_.shutdown_requested()) return RequestOutcome{false, std::string(msg::reply_shutting_down)};
    if (!desired_.contains(id)) return RequestOutcome{false, std::string(msg::reply_no_program) + id};
    std::variant<RequestToken, RequestOutcome> out = token_for(id, RequestToken::Ask::stop);
    guarded([&] {
        if (auto it = served_.find(id); it != served_.end()) {
            Slot& sl = *it->second;
            if (sl.stopped && !sl.any_alive()) {
                out = answer(true, id, msg::reply_already_stopped);
                return;
            }
            if (!sl.stopped) sl.block->stop_slot(sl);
            return sweep_blocks();
        }
        if (is_served(desired_.at(id))) {  // its slot comes with the next sync
            out = answer(false, id, msg::reply_busy);
            return;
        }
        Instance* inst = find(id);
        if (inst == nullptr) {
            // Not running (its last start failed, or the sync that starts it is to come):
            // an entry of its own holds it down, and no sync starts it.
            return dispatch(new_instance(id), InstanceEvent::stop_asked);
        }
        switch (inst->state) {
            case InstanceState::absent:
            case InstanceState::starting:  // within one event only: never seen here
                out = answer(false, id, msg::reply_busy);
                return;
            case InstanceState::stopped:
                out = answer(true, id, msg::reply_already_stopped);
                return;
            case InstanceState::running:
            case InstanceState::killed:
            case InstanceState::failing:
                if (inst->hold) return;  // a stop under way: this one waits for it too
                return dispatch(*inst, InstanceEvent::stop_asked);
            case InstanceState::waiting:
            case InstanceState::done:
            case InstanceState::failed:
            case InstanceState::pending:  // `after`: its hold goes with it
                return dispatch(*inst, InstanceEvent::stop_asked);
        }
    });
    return out;
}

std::variant<RequestToken, RequestOutcome> Supervisor::start_program(const std::string& id) {
    if (scheduler_.shutdown_requested()) return RequestOutcome{false, std::string(msg::reply_shutting_down)};
    if (!desired_.contains(id)) return RequestOutcome{false, std::string(msg::reply_no_program) + id};
    std::variant<RequestToken, RequestOutcome> out = token_for(id, RequestToken::Ask::start);
    guarded([&] {
        if (auto it = served_.find(id); it != served_.end()) {
            Slot& sl = *it->second;
            if (!sl.stopped) {
                out = sl.serving() != nullptr ? answer(true, id, msg::reply_already_running)
                                              : answer(false, id, msg::reply_no_serving);
                return;
            }
            if (sl.any_alive()) {
                out = answer(false, id, msg::reply_stopping);
                return;
            }
            sl.block->start_slot(sl);
            return sweep_blocks();
        }
        if (is_served(desired_.at(id))) {
            out = answer(false, id, msg::reply_busy);
            return;
        }
        Instance* inst = find(id);
        if (inst == nullptr) {
            // Its last start failed: the next sync would try again; this one does now.
            scheduler_.request_tick();
            return pump();
        }
        switch (inst->state) {
            case InstanceState::stopped:
            case InstanceState::done:
            case InstanceState::failed:
                return dispatch(*inst, InstanceEvent::start_asked);
            case InstanceState::running:
                out = inst->hold ? answer(false, id, msg::reply_stopping) : answer(true, id, msg::reply_already_running);
                return;
            case InstanceState::waiting:
                out = answer(true, id, msg::reply_waiting);
                return;
            case InstanceState::pending:  // `after`: it starts once what it waits for runs
                out = RequestOutcome{false, id + std::string(msg::reply_pending) + joined(waiting_of(id))};
                return;
            case InstanceState::absent:
            case InstanceState::starting:
            case InstanceState::killed:
            case InstanceState::failing:
                out = answer(false, id, inst->hold ? msg::reply_stopping : msg::reply_busy);
                return;
        }
    });
    return out;
}

std::optional<RequestOutcome> Supervisor::stop_outcome(const RequestToken& token) const {
    if (const Instance* inst = instance(token.id)) {
        if (inst->state == InstanceState::stopped) return answer(true, token.id, msg::reply_stopped);
        if (inst->hold) return std::nullopt;  // its kill is under way
    }
    if (const Slot* sl = slot(token.id); sl != nullptr && sl->stopped) {
        if (sl->any_alive()) return std::nullopt;
        return answer(true, token.id, msg::reply_stopped);
    }
    if (!desired_.contains(token.id)) return answer(false, token.id, msg::reply_left);
    // Started again (angelctl start) before its stop was over.
    return answer(false, token.id, msg::reply_started_again);
}

}  // namespace angel
