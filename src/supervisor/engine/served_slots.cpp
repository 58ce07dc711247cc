// Served programs: slots, start-first rollouts, readiness, recycling. The rollout
// decision is decide/rollout's; this file gathers the views, carries the plan out,
// and turns children's exits and readiness messages into slot changes.
#include <algorithm>
#include <cmath>
#include <signal.h>

#include "supervisor/decide/backoff.hpp"
#include "supervisor/decide/rollout.hpp"
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/durations.hpp"
#include "supervisor/spec/show_env.hpp"
#include "supervisor/spec/split_command.hpp"

namespace angel {
namespace {

constexpr std::int64_t kMaxRetrySeconds = 60;

std::string seconds_text(std::int64_t n) { return std::to_string(n) + " seconds"; }

/// k of `ID-k` for an instance of a block with `count`, else 1.
std::int64_t instance_number(const Slot& slot) {
    if (slot.id.size() <= slot.group.size() + 1) return 1;
    std::int64_t k = 0;
    for (char c : std::string_view(slot.id).substr(slot.group.size() + 1)) {
        if (c < '0' || c > '9' || k > 1'000'000) return 1;
        k = k * 10 + (c - '0');
    }
    return std::max<std::int64_t>(k, 1);
}

}  // namespace

const ProgramSpec* Supervisor::served_desired(const Slot& slot) const {
    // Looked up once per config load: the desired set does not change between loads,
    // and a block is decided again at every event of any of its instances.
    if (slot.want_load != loads_) {
        auto it = desired_.find(slot.id);
        const bool ours = it != desired_.end() && is_served(it->second) && it->second.serve->group == slot.group;
        slot.want = ours ? &it->second : nullptr;
        slot.want_load = loads_;
    }
    return slot.want;
}

bool Supervisor::stale(const Generation& gen, const ProgramSpec* want) const {
    if (want == nullptr) return true;
    // Specs change only when a config loads: compared once per load, not per event
    // (a block of thousands is decided again at every exit and READY).
    if (gen.checked_load != loads_) {
        gen.checked_load = loads_;
        gen.stale = gen.spec != *want;
    }
    return gen.stale;
}

void Supervisor::start_slot(const std::string& id, const ProgramSpec& spec) {
    auto& slot = served_[id];
    slot = std::make_unique<Slot>();
    slot->id = id;
    slot->group = spec.serve->group;
    groups_[slot->group].slots.emplace(id, slot.get());  // decided, with its block, at the end of the sync
}

void Supervisor::request_replan(const std::string& group) {
    replans_.insert(group);
    if (replanning_) return;  // the loop below, further up the stack, takes it
    replanning_ = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{replanning_};
    while (!replans_.empty()) {
        const std::string next = *replans_.begin();
        replans_.erase(replans_.begin());
        replan(next);
    }
}

void Supervisor::replan(const std::string& name) {
    auto found = groups_.find(name);
    if (found == groups_.end()) return;
    Group& group = found->second;
    std::vector<Slot*> slots;
    std::vector<SlotView> views;
    slots.reserve(group.slots.size());
    views.reserve(group.slots.size());
    std::int64_t surge = 0;
    for (const auto& [id, member] : group.slots) {
        Slot& slot = *member;
        const ProgramSpec* want = served_desired(slot);
        SlotView v;
        v.desired = want != nullptr;
        v.serving = slot.serving != nullptr;
        v.serving_stale = slot.serving && (stale(*slot.serving, want) || slot.recycle);
        v.serving_age = slot.serving ? slot.serving->number : 0;
        v.candidate = slot.candidate != nullptr;
        v.candidate_stale = slot.candidate && stale(*slot.candidate, want);
        v.held = slot.held;
        for (const auto& g : slot.retiring) v.retiring += g->alive() ? 1 : 0;
        if (want != nullptr) surge = effective_surge(*want->serve);
        slots.push_back(&slot);
        views.push_back(v);
    }
    const RolloutPlan plan = plan_rollout(views, surge, group.paused());
    for (std::size_t i : plan.kill_candidates) {
        Slot& slot = *slots[i];
        retire(slot, std::move(slot.candidate));
    }
    bool any_stale = false;
    for (std::size_t i = 0; i < views.size(); ++i) any_stale = any_stale || (views[i].desired && views[i].serving_stale);
    if (any_stale && !group.rolling) {
        group.rolling = true;
        fx_.log(Level::v2, msg::ctx_monitor, std::string(msg::rollout_started) + name);
    }
    for (std::size_t i : plan.start_candidates) {
        if (group.paused()) break;  // a listen address failed for an earlier one
        Slot& slot = *slots[i];
        if (const ProgramSpec* want = served_desired(slot)) spawn_candidate(slot, *want);
    }
    for (std::size_t i : plan.stop_first) {
        Slot& slot = *slots[i];
        fx_.log(Level::v2, program_context(slot.id), std::string(msg::retiring) + std::to_string(slot.serving->pid));
        retire(slot, std::move(slot.serving));
    }
    // Done when every desired slot serves its desired spec and no old instance is left.
    bool done = true;
    for (Slot* slot : slots) {
        for (const auto& g : slot->retiring) done = done && !g->alive();
        const ProgramSpec* want = served_desired(*slot);
        if (want == nullptr) continue;
        if (slot->candidate || !slot->serving || stale(*slot->serving, want) || slot->recycle) done = false;
    }
    if (done && group.rolling) {
        group.rolling = false;
        // A block that left the config (or a shutdown) ends its rollout unfinished: not "done".
        const bool any_desired = std::any_of(slots.begin(), slots.end(),
                                             [this](const Slot* s) { return served_desired(*s) != nullptr; });
        if (any_desired) fx_.log(Level::v2, msg::ctx_monitor, std::string(msg::rollout_done) + name);
        if (any_desired) counters_.rollout_done(name);
    }
    // Slots no longer desired and with nothing left alive leave.
    for (Slot* slot : slots) {
        if (slot->empty() && served_desired(*slot) == nullptr && !slot->held) {
            group.slots.erase(slot->id);
            served_.erase(slot->id);
        }
    }
    if (group.slots.empty()) groups_.erase(found);
}

void Supervisor::spawn_candidate(Slot& slot, const ProgramSpec& spec) {
    const std::string ctx = program_context(slot.id);
    Group& group = groups_[slot.group];
    // The listening sockets, bound once and held: a failure is one line, and nothing
    // of this block starts before the next sync tries again.
    ServeLaunch serve;
    serve.ready = effective_ready(*spec.serve);
    for (const ListenAddress& address : spec.serve->listen) {
        auto fd = fx_.listener(address, spec.serve->socketmode);
        if (auto* error = std::get_if<std::string>(&fd)) {
            fx_.log(Level::v1, msg::ctx_monitor, std::string(msg::cannot_listen) + *error);
            group.blocked = true;
            return;
        }
        serve.listen_fds.push_back(std::get<int>(fd));
        if (!serve.fd_names.empty()) serve.fd_names += ':';
        serve.fd_names += slot.group;
    }
    if (slot.restarting) {
        fx_.log(Level::v2, ctx, msg::restart);
        slot.restarting = false;
    }
    if (!slot.serving) {
        fx_.log(Level::v2, ctx, msg::start);
    } else if (slot.recycle) {
        fx_.log(Level::v2, ctx, std::string(msg::start_recycling) + std::to_string(slot.serving->pid) + ")");
    } else {
        fx_.log(Level::v2, ctx, std::string(msg::start_replacing) + std::to_string(slot.serving->pid) + ")");
    }
    std::vector<std::string> argv = split_command(spec.exec);
    if (argv.empty()) {
        fx_.report_error(msg::empty_command);
        return candidate_failed(slot, nullptr, msg::not_ready_exited);
    }
    fx_.log(Level::v1, ctx, std::string(msg::spawning_process) + argv[0] + std::string(msg::with_env) + show_env(spec.env));
    std::vector<std::string> logger_argv;
    if (spec.logger) {
        fx_.log(Level::v2, ctx, msg::spawning_logger);
        logger_argv = split_command(*spec.logger);
        if (logger_argv.empty()) {
            fx_.report_error(msg::empty_command);
            return candidate_failed(slot, nullptr, msg::not_ready_exited);
        }
    }
    auto gen = std::make_unique<Generation>();
    gen->number = next_generation_++;
    gen->spec = spec;
    gen->started = fx_.now();
    const std::uint64_t number = gen->number;
    serve.on_message = [this, id = slot.id, number](ReadyMessage m) {
        guarded([&] { on_ready_message(id, number, std::move(m)); });
    };
    Launched launched = fx_.launch(Launch{&argv, spec.logger ? &logger_argv : nullptr, &gen->spec, &serve});
    if (auto* error = std::get_if<std::string>(&launched.logger)) {
        fx_.report_error(*error);
        return candidate_failed(slot, nullptr, msg::not_ready_exited);
    }
    if (const pid_t logger = std::get<pid_t>(launched.logger); logger > 0) {
        gen->logger_pid = logger;
        children_[logger] = ChildRef{ChildRef::Role::logger, slot.id, number};
    }
    if (auto* error = std::get_if<std::string>(&launched.program)) {
        if (gen->logger_pid > 0) {
            slot.retiring.push_back(std::move(gen));  // reaped when it sees EOF
            fx_.log(Level::v2, logger_context(slot.id), msg::running);
        }
        fx_.report_error(*error);
        return candidate_failed(slot, nullptr, msg::not_ready_exited);
    }
    gen->pid = std::get<pid_t>(launched.program);
    gen->channel = std::move(launched.channel);
    children_[gen->pid] = ChildRef{ChildRef::Role::program, slot.id, number};
    ++history_[slot.id].starts;
    // Owned by the slot before anything that may throw (a log line): a child is never nobody's.
    slot.candidate = std::move(gen);
    if (slot.candidate->logger_pid > 0) fx_.log(Level::v2, logger_context(slot.id), msg::running);
    fx_.log(Level::v2, ctx, msg::running);
    const ReadySpec ready = serve.ready;
    auto on_timer = [this, id = slot.id, number](bool timeout) {
        return [this, id, number, timeout] {
            guarded([&] {
                auto it = served_.find(id);
                if (it == served_.end()) return;
                Slot& s = *it->second;
                if (!s.candidate || s.candidate->number != number) return;
                if (timeout) {
                    const std::string why = std::string(msg::not_ready_timeout) +
                                            seconds_text(s.candidate->spec.serve->readytimeout) + " after it started";
                    candidate_failed(s, std::move(s.candidate), why);
                } else {
                    promote(s);
                }
            });
        };
    };
    Generation& cand = *slot.candidate;
    if (ready.kind == ReadySpec::Kind::seconds) {
        if (ready.value == 0) return promote(slot);
        cand.ready_timer = fx_.make_timer(on_timer(false));
        cand.ready_timer->arm(capped_seconds(ready.value));
    } else {
        cand.timeout_timer = fx_.make_timer(on_timer(true));
        cand.timeout_timer->arm(capped_seconds(spec.serve->readytimeout));
    }
}

void Supervisor::promote(Slot& slot) {
    Generation& gen = *slot.candidate;
    const std::string ctx = program_context(slot.id);
    // Ready, but no longer wanted (a shutdown, or a reload back, while a kill queue
    // waited): it is stopped, never made the serving one.
    const ProgramSpec* want = served_desired(slot);
    if (want == nullptr || gen.spec != *want) {
        fx_.log(Level::v2, ctx, std::string(msg::retiring) + std::to_string(gen.pid));
        retire(slot, std::move(slot.candidate));
        return request_replan(slot.group);
    }
    if (gen.spec.pidfile) {
        if (auto error = fx_.write_pidfile(*gen.spec.pidfile, gen.pid)) {
            fx_.log(Level::v2, ctx, msg::pidfile_failed);
            fx_.report_error(*error);
            return candidate_failed(slot, std::move(slot.candidate), msg::not_ready_pidfile);
        }
    }
    gen.ready = true;
    gen.ready_timer.reset();
    gen.timeout_timer.reset();
    fx_.log(Level::v2, ctx, msg::ready);
    Group& group = groups_[slot.group];
    group.failures = 0;
    slot.failed_spec.reset();
    if (slot.serving) {
        fx_.log(Level::v2, ctx, std::string(msg::retiring) + std::to_string(slot.serving->pid));
        retire(slot, std::move(slot.serving));
    }
    slot.recycle.reset();
    slot.serving = std::move(slot.candidate);
    History& history = history_[slot.id];
    ++history.promotions;
    history.last_error.clear();
    if (const auto maxage = slot.serving->spec.serve->maxage) {
        // Staggered by slot so that a block's instances do not all recycle at once:
        // instance k of n recycles at maxage * (1 - (k-1) / 2n).
        const auto n = static_cast<std::int64_t>(std::max<std::size_t>(group.slots.size(), 1));
        const std::int64_t k = std::min(instance_number(slot), n);
        const std::int64_t after = std::max<std::int64_t>(1, *maxage - (*maxage * (k - 1)) / (2 * n));
        Generation& serving = *slot.serving;
        serving.age_timer = fx_.make_timer([this, id = slot.id, number = serving.number, limit = *maxage] {
            guarded([&] {
                auto it = served_.find(id);
                if (it == served_.end() || !it->second->serving || it->second->serving->number != number) return;
                request_recycle(*it->second, "older than " + seconds_text(limit));
            });
        });
        serving.age_timer->arm(capped_seconds(after));
    }
    request_replan(slot.group);
}

void Supervisor::candidate_failed(Slot& slot, std::unique_ptr<Generation> gen, std::string_view why) {
    History& history = history_[slot.id];
    ++history.start_failures;
    counters_.rollout_failed(slot.group);
    history.last_error = std::string(why);
    // An angelctl restart that failed is over: the old one keeps serving, and nothing
    // retries it unasked (maxage and maxrss recycling do retry, with the back-off).
    const bool asked = slot.recycle == Slot::Recycle::asked && slot.serving;
    if (asked) slot.recycle.reset();
    Group& group = groups_[slot.group];
    if (gen) {
        slot.failed_spec = gen->spec;
        if (gen->alive()) {
            retire(slot, std::move(gen));
        } else if (gen->logger_pid > 0) {
            slot.retiring.push_back(std::move(gen));
        }
    } else if (const ProgramSpec* want = served_desired(slot)) {
        slot.failed_spec = *want;
    }
    if (asked) {
        fx_.log(Level::v1, program_context(slot.id),
                std::string(why) + std::string(msg::old_keeps_running) + std::string(msg::restart_given_up));
        return request_replan(slot.group);
    }
    ++group.failures;
    const ProgramSpec* want = served_desired(slot);
    const std::int64_t base = std::max<std::int64_t>(1, want ? delay_seconds(*want) : kDefaultDelay);
    std::int64_t wait = base;
    for (std::int64_t i = 1; i < group.failures && wait < kMaxRetrySeconds; ++i) wait *= 2;
    wait = std::min(wait, std::max(kMaxRetrySeconds, base));
    std::string line(why);
    if (slot.serving) line += msg::old_keeps_running;
    line += msg::next_try;
    line += seconds_text(wait);
    fx_.log(Level::v1, program_context(slot.id), line);
    if (!group.retry_timer) {
        group.retry_timer = fx_.make_timer([this, name = slot.group] { guarded([&] { request_replan(name); }); });
    }
    group.retry_timer->arm(capped_seconds(wait));
    request_replan(slot.group);
}

void Supervisor::retire(Slot& slot, std::unique_ptr<Generation> gen) {
    gen->ready_timer.reset();
    gen->timeout_timer.reset();
    gen->age_timer.reset();
    gen->channel.reset();
    const StopTarget target{gen->pid,       gen->logger_pid, gen->spec.logger.has_value(), gen->spec.termgrace,
                            std::nullopt,   gen->spec.killgroup};
    gen->stop = std::make_unique<StopRun>(*this, slot.id, target, [this, id = slot.id, number = gen->number] {
        // Called only after a grace period, never from begin().
        --served_graces_;
        if (auto it = served_.find(id); it != served_.end()) {
            const std::string group = it->second->group;
            forget_retired(*it->second, number);  // may destroy this StopRun: nothing of it is used after
            request_replan(group);
        }
        if (final_pending_ && served_graces_ == 0) finish_shutdown();
    });
    Generation& ref = *gen;
    slot.retiring.push_back(std::move(gen));
    // A soft kill is over at once; the generation stays until reaped.
    if (!ref.stop->begin()) ++served_graces_;
}

void Supervisor::forget_retired(Slot& slot, std::uint64_t number) {
    auto& list = slot.retiring;
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& g) { return g->number == number; });
    if (it == list.end()) return;
    Generation& gen = **it;
    // Kept while its child or logger is unreaped, or while its grace timer runs (the
    // timer belongs to the StopRun, which belongs to it).
    if (gen.alive() || gen.logger_pid > 0 || (gen.stop && !gen.stop->over())) return;
    list.erase(it);
}

void Supervisor::request_recycle(Slot& slot, std::string_view why, Slot::Recycle cause) {
    if (slot.recycle) return;
    fx_.log(Level::v2, program_context(slot.id), std::string(msg::recycle) + std::string(why));
    slot.recycle = cause;
    request_replan(slot.group);
}

void Supervisor::on_ready_message(const std::string& id, std::uint64_t number, ReadyMessage m) {
    auto it = served_.find(id);
    if (it == served_.end()) return;
    Slot& slot = *it->second;
    Generation* gen = slot.candidate && slot.candidate->number == number ? slot.candidate.get()
                      : slot.serving && slot.serving->number == number ? slot.serving.get()
                                                                        : nullptr;
    if (gen == nullptr) return;
    switch (m.kind) {
        case ReadyMessage::Kind::ready:
            if (gen == slot.candidate.get() && effective_ready(*gen->spec.serve).kind != ReadySpec::Kind::seconds) {
                promote(slot);
            }
            return;
        case ReadyMessage::Kind::never:
            if (gen == slot.candidate.get()) candidate_failed(slot, std::move(slot.candidate), msg::not_ready_eof);
            return;
        case ReadyMessage::Kind::stopping:
            if (gen == slot.serving.get()) request_recycle(slot, "asked with STOPPING=1");
            return;
        case ReadyMessage::Kind::status:
            // A changed status only: an instance repeating itself does not flood the log.
            if (m.text != gen->status) {
                fx_.log(Level::v2, program_context(id), std::string(msg::status) + m.text);
                gen->status = std::move(m.text);
            }
            return;
    }
}

void Supervisor::served_child_exit(Slot& slot, const ChildRef& child, pid_t pid) {
    // A replan may erase the slot: only copies are used after one.
    const std::string ctx = program_context(slot.id);
    const std::string group = slot.group;
    auto matches = [&](const std::unique_ptr<Generation>& g) { return g && g->number == child.generation; };
    if (child.role == ChildRef::Role::logger) {
        fx_.log(Level::v2, logger_context(slot.id), msg::ended);
        for (auto* g : {&slot.serving, &slot.candidate}) {
            if (matches(*g) && (*g)->logger_pid == pid) (*g)->logger_pid = 0;
        }
        for (auto& g : slot.retiring) {
            if (g->number == child.generation && g->logger_pid == pid) {
                g->logger_pid = 0;
                forget_retired(slot, child.generation);
                return request_replan(group);
            }
        }
        return;
    }
    // A dead generation leaves its place first, so that a throw below cannot leave it
    // there (a dead serving or new instance would hold its slot for ever).
    if (matches(slot.candidate) && slot.candidate->pid == pid) {
        std::unique_ptr<Generation> gen = std::move(slot.candidate);
        gen->pid = 0;
        fx_.log(Level::v2, ctx, msg::ended);
        return candidate_failed(slot, std::move(gen), msg::not_ready_exited);
    }
    if (matches(slot.serving) && slot.serving->pid == pid) {
        // Died on its own: as the original, ENDED, its pidfile goes, then WAITING and
        // a restart after `delay` (with the desired spec), or QUIT.
        std::unique_ptr<Generation> gen = std::move(slot.serving);
        gen->pid = 0;
        std::optional<std::string> pidfile = gen->spec.pidfile;
        const Clock::time_point started = gen->started;
        if (gen->logger_pid > 0) {
            gen->age_timer.reset();
            gen->channel.reset();
            slot.retiring.push_back(std::move(gen));
        }
        fx_.log(Level::v2, ctx, msg::ended);
        if (pidfile) fx_.remove_file(*pidfile);
        slot.recycle.reset();
        if (served_desired(slot) == nullptr) {
            fx_.log(Level::v2, ctx, msg::quit);
        } else {
            fx_.log(Level::v2, ctx, msg::waiting);
            slot.held = true;
            if (!slot.restart_timer) {
                slot.restart_timer = fx_.make_timer([this, id = slot.id] {
                    guarded([&] {
                        auto it = served_.find(id);
                        if (it == served_.end()) return;
                        it->second->held = false;
                        it->second->restarting = true;
                        request_replan(it->second->group);
                    });
                });
            }
            const ProgramSpec& want = *served_desired(slot);
            std::int64_t wait = delay_seconds(want);
            if (want.maxdelay) {
                const auto ran = std::chrono::duration_cast<std::chrono::seconds>(fx_.now() - started).count();
                const Backoff b = restart_backoff(want, ran, slot.quick_failures);
                slot.quick_failures = b.quick_failures;
                wait = b.wait;
            }
            slot.restart_timer->arm(capped_seconds(wait));
        }
        return request_replan(group);
    }
    for (auto& g : slot.retiring) {
        if (g->number == child.generation && g->pid == pid) {
            g->pid = 0;
            if (g->ready) fx_.log(Level::v2, ctx, msg::ended_replaced);
            forget_retired(slot, child.generation);
            return request_replan(group);
        }
    }
}

void Supervisor::check_memory() {
    for (auto& [id, slot] : served_) {
        const Generation* gen = slot->serving.get();
        if (gen == nullptr || !gen->alive() || !gen->spec.serve->maxrss || slot->recycle) continue;
        const std::uint64_t limit = static_cast<std::uint64_t>(*gen->spec.serve->maxrss) << 20;
        const auto rss = fx_.resident_bytes(gen->pid);
        if (rss && *rss > limit) {
            request_recycle(*slot, "resident memory " + std::to_string(*rss >> 20) + " MiB is over " +
                                       std::to_string(*gen->spec.serve->maxrss) + " MiB");
        }
    }
}

void Supervisor::sync_served(const std::vector<std::string>& starts) {
    // Each sync tries a failed listen address once more.
    for (auto& [name, group] : groups_) group.blocked = false;
    for (const std::string& id : starts) {
        auto want = desired_.find(id);
        if (want == desired_.end() || !is_served(want->second)) continue;
        if (instances_.contains(id) || served_.contains(id)) continue;
        start_slot(id, want->second);
    }
    // A spec that differs from the one that last failed ends the back-off (a new deploy).
    for (auto& [name, group] : groups_) {
        for (const auto& [id, member] : group.slots) {
            const Slot& slot = *member;
            const ProgramSpec* want = served_desired(slot);
            if (slot.failed_spec && want != nullptr && *slot.failed_spec != *want) {
                group.failures = 0;
                if (group.retry_timer) group.retry_timer->cancel();
            }
        }
    }
    check_memory();
    std::vector<std::string> names;
    names.reserve(groups_.size());
    for (const auto& [name, group] : groups_) names.push_back(name);
    for (const std::string& name : names) request_replan(name);
    update_listeners();
}

void Supervisor::update_listeners() {
    std::vector<std::string> in_use;
    auto add = [&in_use](const ProgramSpec& spec) {
        if (!spec.serve) return;
        for (const ListenAddress& a : spec.serve->listen) in_use.push_back(a.text);
    };
    for (const auto& [id, spec] : desired_) add(spec);
    for (const auto& [id, slot] : served_) {
        if (slot->serving) add(slot->serving->spec);
        if (slot->candidate) add(slot->candidate->spec);
        for (const auto& g : slot->retiring) {
            if (g->alive()) add(g->spec);
        }
    }
    std::sort(in_use.begin(), in_use.end());
    in_use.erase(std::unique(in_use.begin(), in_use.end()), in_use.end());
    fx_.keep_listeners(in_use);
}

}  // namespace angel
