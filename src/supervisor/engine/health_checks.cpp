// Health checks (`check`) carried out: a timer per instance, one check in flight at a
// time, its result counted (decide/health) and, at the `checkfails`-th failure in a
// row, an event of the instance table (plain) or of the generation table (served).
// Every callback names its instance by id and generation, never by pointer: a check
// that ends after its instance is gone finds nothing and does nothing.
#include <signal.h>
#include <sys/wait.h>

#include "supervisor/decide/health.hpp"
#include "supervisor/engine/status.hpp"
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/split_command.hpp"

namespace angel {

Supervisor::HealthRef Supervisor::health_of(const std::string& id, std::uint64_t generation) {
    if (auto it = served_.find(id); it != served_.end()) {
        Generation* gen = it->second->find(generation);
        if (gen != nullptr && gen->health) return {gen->health.get(), &gen->spec};
        return {};
    }
    Instance* inst = find(id);
    if (inst != nullptr && inst->generation == generation && inst->health) return {inst->health.get(), &inst->spec};
    return {};
}

void Supervisor::start_health(std::unique_ptr<Health>& holder, const std::string& id, std::uint64_t generation,
                              const CheckSpec& check, bool served) {
    holder = std::make_unique<Health>(fx_);
    holder->next_timer = fx_.make_timer([this, id, generation] {
        guarded([this, &id, generation] { on_check_due(id, generation); });
    });
    holder->timeout_timer = fx_.make_timer([this, id, generation, timeout = check.timeout] {
        guarded([this, &id, generation, timeout] {
            end_check(id, generation, ProbeResult{false, "timeout after " + std::to_string(timeout) + " s"});
        });
    });
    holder->next_timer->arm(first_check_after(id, check, served));
}

void Supervisor::on_check_due(const std::string& id, std::uint64_t generation) {
    const HealthRef ref = health_of(id, generation);
    if (ref.health == nullptr) return;
    if (ref.health->in_flight) {
        ref.health->due = true;  // one in flight at a time: this one begins when it ends
        return;
    }
    begin_check(*ref.health, id, generation, *ref.spec);
}

void Supervisor::begin_check(Health& h, const std::string& id, std::uint64_t generation, const ProgramSpec& spec) {
    const CheckSpec& check = *spec.check;
    h.in_flight = true;
    h.due = false;
    // Every `checkevery` from the start of the one before: a slow check does not
    // stretch the period, and the instance keeps its staggered place.
    h.next_timer->arm(std::chrono::seconds(check.every));
    h.timeout_timer->arm(std::chrono::seconds(check.timeout));
    if (check.kind != CheckSpec::Kind::exec) {
        h.probe = fx_.probe(check, [this, id, generation](ProbeResult result) {
            guarded([&] { end_check(id, generation, std::move(result)); });
        });
        return;
    }
    const std::vector<std::string> argv = split_command(check.target);
    Launch launch{&argv, nullptr, &spec, nullptr};
    launch.probe = true;
    Launched launched = fx_.launch(launch);
    if (auto* error = std::get_if<std::string>(&launched.program)) {
        return end_check(id, generation, ProbeResult{false, std::move(*error)});
    }
    h.probe_pid = std::get<pid_t>(launched.program);
    // In the pid index like every child: reaped by the one SIGCHLD path, never
    // taken for an exit of the instance it checks.
    children_[h.probe_pid] = ChildRef{ChildRef::Role::probe, id, generation};
}

void Supervisor::end_check(const std::string& id, std::uint64_t generation, ProbeResult result) {
    const HealthRef ref = health_of(id, generation);
    if (ref.health == nullptr || !ref.health->in_flight) return;
    Health& h = *ref.health;
    h.in_flight = false;
    h.timeout_timer->cancel();
    h.probe.reset();
    // Still here at the end: an exec probe over time. Its whole group goes; its reap
    // comes later through the pid index and finds no check in flight.
    if (h.probe_pid > 0) fx_.signal(-h.probe_pid, SIGKILL);
    h.probe_pid = 0;
    ++h.checks;
    h.last = result.ok ? "ok" : result.reason;
    const CheckVerdict verdict = count_check(h.failures, result.ok, ref.spec->check->fails);
    if (!result.ok) {
        counters_.check_failed(id);
        fx_.log(Level::v2, program_context(id), std::string(msg::check_failed) + result.reason);
    }
    if (verdict == CheckVerdict::unhealthy) {
        const std::string why = unhealthy_reason(h.failures);
        if (served_.contains(id)) {
            return route_slot(id, [&](ServedBlock& block, Slot& slot) {
                block.on_unhealthy(slot, generation, std::string(msg::recycle_unhealthy) + why);
            });
        }
        if (Instance* inst = find(id)) return dispatch(*inst, InstanceEvent::unhealthy, why);
        return;
    }
    if (h.due) begin_check(h, id, generation, *ref.spec);
}

void Supervisor::on_probe_exit(const ChildRef& child, pid_t pid, int wait_status) {
    const HealthRef ref = health_of(child.id, child.generation);
    if (ref.health == nullptr || ref.health->probe_pid != pid) return;  // abandoned: over time, or its instance went
    ref.health->probe_pid = 0;
    const bool ok = wait_status >= 0 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    end_check(child.id, child.generation, ProbeResult{ok, ok ? std::string() : wait_status >= 0 ? describe_wait_status(wait_status) : "ended"});
}

void Supervisor::restart_child(Instance& inst, bool unhealthy) {
    inst.restart_now = true;
    inst.health_restart = unhealthy;
    StopTarget target = stop_target_of(inst.spec, inst.pid, 0);
    target.has_logger = false;  // the logger stays: it follows the program's restart
    inst.restart_stop = std::make_unique<StopRun>(*this, inst.id, target, [this, id = inst.id] {
        if (Instance* self = find(id)) self->restart_stop.reset();
    });
    if (inst.restart_stop->begin()) inst.restart_stop.reset();
}

}  // namespace angel
