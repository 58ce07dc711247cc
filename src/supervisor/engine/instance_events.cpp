// The instance table, carried out: facts in, actions out, one event at a time.
#include <sys/wait.h>

#include <variant>

#include "supervisor/decide/backoff.hpp"
#include "supervisor/engine/status.hpp"
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/durations.hpp"

namespace angel {

void Supervisor::dispatch(Instance& instance, InstanceEvent event, std::string text) {
    Instance* self = &instance;
    std::optional<Outcome> next = Outcome{event, std::move(text)};
    while (next) {
        const Outcome current = std::move(*next);
        next.reset();
        // A served spec is not this instance's: for it, the id has left the config.
        auto wanted = desired_.find(self->id);
        const bool has_desired = wanted != desired_.end() && !is_served(wanted->second);
        std::optional<std::int64_t> wait;
        bool restart_asked = false;
        if (current.event == InstanceEvent::exited) {
            // An exit angelctl restart asked for restarts at once, as does one of failed
            // checks (unless maxdelay's back-off says wait); any other waits
            // maxdelay's back-off or `delay`.
            restart_asked = self->restart_now;
            wait = !self->restart_now ? self->wait
                   : self->health_restart && self->spec.maxdelay ? self->wait
                                                                 : std::optional<std::int64_t>(0);
            self->restart_now = false;
            self->health_restart = false;
        }
        // A stop of its child is under way, or comes (it left the config, angel shuts
        // down): failed checks do not start another.
        const StopRun* syncing = sync_stop();
        const bool stopping = self->restart_stop != nullptr || self->hold || (syncing != nullptr && syncing->target().pid == self->pid) ||
                              !has_desired || scheduler_.shutdown_requested();
        const InstanceFacts facts{.id = self->id,
                                  .started_with = &self->spec,
                                  .desired = has_desired ? &wanted->second : nullptr,
                                  .text = current.event == InstanceEvent::stop_done ? std::string_view(self->error_text)
                                                                                    : std::string_view(current.text),
                                  .wait = wait,
                                  .exit_status = self->exit_status,
                                  .exit_text = self->exit_text,
                                  .restart_asked = restart_asked,
                                  .hold = self->hold,
                                  .exit_code = self->exit_code,
                                  .stopping = stopping};
        const InstanceTransition t = step(self->state, current.event, facts);
        if (!t.possible) {
            return internal_error(self->id, "instance table", name_of(current.event), name_of(self->state));
        }
        if (t.next != self->state) self->since = fx_.now();
        const InstanceState before = self->state;
        self->state = t.next;
        if (t.next != before && (t.next == InstanceState::running || t.next == InstanceState::done)) {
            began_to_run(self->id);  // what `after` waits for (see runs())
        }
        // angelctl stop's hold lasts until the end of the child leaves it stopped (a failing
        // one's child may be reaped before its kill sequence is over: that exit is not it).
        if (t.next == InstanceState::stopped) self->hold = false;
        // Checks run while it runs: from its RUNNING on, until it leaves that state.
        if (t.next != InstanceState::running) {
            self->health.reset();
        } else if (before != InstanceState::running && self->spec.check) {
            start_health(self->health, self->id, self->generation, *self->spec.check, false);
        }
        std::string ctx;
        for (const InstanceAction& a : t.actions) {
            switch (a.kind) {
                case InstanceActionKind::log:
                    if (ctx.empty()) ctx = program_context(self->id);
                    if (a.text.empty()) {
                        fx_.log(a.level, ctx, a.message);
                    } else {
                        fx_.log(a.level, ctx, std::string(a.message) + std::string(a.text));
                    }
                    break;
                case InstanceActionKind::adopt_spec:
                    // The table adopts only a desired spec. Mostly it is the same one
                    // (a restart): comparing costs no allocation, copying would.
                    if (self->spec != wanted->second) self->spec = wanted->second;
                    break;
                case InstanceActionKind::spawn: {
                    next = spawn_generation(*self);
                    History& h = history_[self->id];
                    if (next->event == InstanceEvent::spawn_failed || next->event == InstanceEvent::pidfile_failed) {
                        ++h.start_failures;
                        h.last_error = next->text;
                    } else {
                        ++h.starts;
                        h.last_error.clear();
                    }
                    break;
                }
                case InstanceActionKind::report_error:
                    fx_.report_error(a.text);
                    break;
                case InstanceActionKind::remember_error:
                    self->error_text = std::string(a.text);
                    break;
                case InstanceActionKind::stop_own_child:
                    if (start_own_stop(*self)) next = Outcome{InstanceEvent::stop_done, {}};
                    break;
                case InstanceActionKind::remove_pidfile:
                    if (self->spec.pidfile) fx_.remove_file(*self->spec.pidfile);
                    break;
                case InstanceActionKind::arm_delay:
                    arm_delay(*self, a.seconds);
                    break;
                case InstanceActionKind::cancel_delay:
                    if (self->delay_timer) self->delay_timer->cancel();
                    break;
                case InstanceActionKind::hold:
                    self->hold = true;
                    break;
                case InstanceActionKind::stop_child:
                    self->health.reset();  // angelctl stop: no more checks
                    start_hold_stop(*self);
                    break;
                case InstanceActionKind::exit_angel:
                    // Carried out once this event is over (settle): a shutdown begun here
                    // would end instances, this one among them, under the loop above.
                    if (!critical_) critical_ = CriticalEnd{self->id, a.code};
                    break;
                case InstanceActionKind::restart_child:
                    self->health.reset();  // its replacement is under way: no more checks
                    restart_child(*self, true);
                    break;
                case InstanceActionKind::end:
                    instances_.erase(instances_.find(self->id));  // last action: `self` is gone
                    return;
            }
        }
    }
}

Supervisor::Outcome Supervisor::spawn_generation(Instance& inst) {
    const ProgramSpec& spec = inst.spec;
    Spawned spawned = spawn_child(inst.id, spec, next_generation_++, nullptr);
    if (spawned.logger_pid > 0) inst.logger_pid = spawned.logger_pid;
    if (spawned.error) return {InstanceEvent::spawn_failed, std::move(*spawned.error)};
    inst.pid = spawned.pid;
    inst.generation = spawned.generation;
    inst.started_at = fx_.now();
    if (spec.pidfile) {
        if (auto error = fx_.write_pidfile(*spec.pidfile, inst.pid)) return {InstanceEvent::pidfile_failed, *error};
    }
    return {InstanceEvent::spawned, {}};
}

bool Supervisor::start_own_stop(Instance& inst) {
    // The pidfile was never written, so the kill does not remove it.
    const StopTarget target = stop_target_of(inst.spec, inst.pid, inst.logger_pid);
    inst.own_stop = std::make_unique<StopRun>(*this, inst.id, target, [this, id = inst.id] {
        if (Instance* self = find(id)) dispatch(*self, InstanceEvent::stop_done);
    });
    return inst.own_stop->begin();
}

void Supervisor::start_hold_stop(Instance& inst) {
    // The sync's kill of this child (a HUP changed or removed it) is left to end it: a
    // second one would only race it. angelctl restart's leaves the logger: it is replaced.
    if (const StopRun* stop = sync_stop(); stop != nullptr && stop->target().pid == inst.pid) return;
    inst.restart_stop.reset();
    // As a removal: stopsignal, termgrace, KILL, and its logger too.
    const StopTarget target = stop_target_of(inst.spec, inst.pid, inst.logger_pid);
    inst.hold_stop = std::make_unique<StopRun>(*this, inst.id, target, [this, id = inst.id] {
        if (Instance* self = find(id)) self->hold_stop.reset();
    });
    if (inst.hold_stop->begin()) inst.hold_stop.reset();
}

void Supervisor::arm_delay(Instance& inst, std::int64_t seconds) {
    if (!inst.delay_timer) {
        inst.delay_timer = fx_.make_timer([this, id = inst.id] { guarded([this, &id] { on_delay_elapsed(id); }); });
    }
    inst.delay_timer->arm(capped_seconds(seconds));
}

void Supervisor::on_delay_elapsed(const std::string& id) {
    if (Instance* inst = find(id)) dispatch(*inst, InstanceEvent::delay_elapsed);
}

void Supervisor::on_child_exit(pid_t pid, int wait_status) {
    guarded([this, pid, wait_status] {
        auto found = children_.find(pid);
        if (found == children_.end()) return;  // e.g. a child whose exec failed
        const ChildRef child = std::move(found->second);
        children_.erase(found);
        if (child.role == ChildRef::Role::probe) return on_probe_exit(child, pid, wait_status);
        // How it ended, described once: for status, metrics and the DONE/FAILED line.
        const std::string exit_text = describe_wait_status(wait_status);
        const auto exit_code = exit_code_of(wait_status);
        if (child.role == ChildRef::Role::program && wait_status >= 0) {
            if (auto h = history_.find(child.id); h != history_.end()) {
                h->second.last_exit = exit_text;
                h->second.last_exit_code = exit_code;
            }
        }
        if (auto slot = served_.find(child.id); slot != served_.end()) {
            slot->second->block->on_exit(*slot->second, child, pid);
            return sweep_blocks();
        }
        Instance* inst = find(child.id);
        if (child.role == ChildRef::Role::logger) {
            // Logged even when its program's entry is gone; the logger is never
            // restarted alone (D11, as the original).
            fx_.log(Level::v2, logger_context(child.id), msg::ended);
            if (inst != nullptr && inst->logger_pid == pid) inst->logger_pid = 0;
            return;
        }
        // A past generation's child (its instance ended, failed or restarted since).
        if (inst == nullptr || inst->generation != child.generation || inst->pid != pid) return;
        inst->pid = 0;
        // For `restart`: only an exit status counts as one; a signal (or an unknown
        // status) is a failure.
        inst->exit_status = wait_status >= 0 && WIFEXITED(wait_status) ? std::optional<int>(WEXITSTATUS(wait_status))
                                                                       : std::nullopt;
        inst->exit_text = exit_text;
        inst->exit_code = exit_code.value_or(1);
        if (inst->restart_now) {
            // angelctl restart: not a quick failure for maxdelay (its wait stays), and
            // the exit restarts at once (dispatch reads restart_now). Failed checks: at
            // once too, unless it is a quick failure under maxdelay, which backs off.
            inst->restart_stop.reset();
            if (inst->health_restart && inst->spec.maxdelay) {
                const auto ran = std::chrono::duration_cast<std::chrono::seconds>(fx_.now() - inst->started_at).count();
                const Backoff b = restart_backoff(inst->spec, ran, inst->quick_failures);
                inst->quick_failures = b.quick_failures;
                inst->wait = b.quick_failures > 0 ? b.wait : 0;
            }
            return dispatch(*inst, InstanceEvent::exited);
        }
        if (inst->spec.maxdelay) {
            const auto ran = std::chrono::duration_cast<std::chrono::seconds>(fx_.now() - inst->started_at).count();
            const Backoff b = restart_backoff(inst->spec, ran, inst->quick_failures);
            inst->quick_failures = b.quick_failures;
            inst->wait = b.wait;
        }
        dispatch(*inst, InstanceEvent::exited);
    });
}

}  // namespace angel
