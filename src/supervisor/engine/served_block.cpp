// A served program block: its generation table carried out, its tally kept, its
// rollout asked for the next step after every event.
#include "supervisor/engine/served_block.hpp"

#include <algorithm>
#include <utility>

#include "supervisor/decide/backoff.hpp"
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/durations.hpp"

namespace angel {
namespace {

std::string seconds_text(std::int64_t n) { return std::to_string(n) + " seconds"; }

/// k of `ID-k` for an instance of a block with `count`, else 1.
std::int64_t instance_number(const std::string& id, const std::string& block) {
    if (id.size() <= block.size() + 1) return 1;
    std::int64_t k = 0;
    for (char c : std::string_view(id).substr(block.size() + 1)) {
        if (c < '0' || c > '9' || k > 1'000'000) return 1;
        k = k * 10 + (c - '0');
    }
    return std::max<std::int64_t>(k, 1);
}

}  // namespace

bool ServedBlock::NeedKey::operator<(const NeedKey& o) const {
    // Empty slots first (capacity), then stale ones oldest first; ties in id order.
    if (need != o.need) return need < o.need;
    if (age != o.age) return age < o.age;
    if (slot == nullptr || o.slot == nullptr) return slot == nullptr && o.slot != nullptr;  // a search key: first
    return slot->id < o.slot->id;
}

ServedBlock::ServedBlock(Supervisor& owner, std::string name) : sv_(owner), name_(std::move(name)) {}

ServedBlock::~ServedBlock() = default;  // dropped only when empty, or with the whole engine

Slot& ServedBlock::add_slot(const std::string& id) {
    auto& slot = slots_[id];
    slot = std::make_unique<Slot>();
    slot->id = id;
    slot->block = this;
    sv_.served_[id] = slot.get();
    if (const ProgramSpec* want = desired(*slot)) surge_ = effective_surge(*want->serve);
    count(*slot);
    return *slot;
}

const ProgramSpec* ServedBlock::desired(const Slot& slot) const {
    // Looked up once per config load: the desired set does not change between loads.
    if (slot.want_load != sv_.loads_) {
        auto it = sv_.desired_.find(slot.id);
        const bool ours = it != sv_.desired_.end() && is_served(it->second) && it->second.serve->group == name_;
        slot.want = ours ? &it->second : nullptr;
        slot.want_load = sv_.loads_;
    }
    return slot.want;
}

bool ServedBlock::stale(const Generation& gen, const ProgramSpec* want) const {
    if (want == nullptr) return true;
    // Specs change only when a config loads: compared once per load, not per event.
    if (gen.checked_load != sv_.loads_) {
        gen.checked_load = sv_.loads_;
        gen.stale = gen.spec != *want;
    }
    return gen.stale;
}

bool ServedBlock::paused() const { return blocked_ || (retry_timer_ && retry_timer_->armed()); }

void ServedBlock::count(Slot& slot) {
    const ProgramSpec* want = desired(slot);
    const Generation* serving = slot.serving();
    SlotTally now;
    now.desired = want != nullptr && !slot.stopped;  // a stopped slot needs nothing started
    now.serving = serving != nullptr;
    now.stale = serving != nullptr && (stale(*serving, want) || slot.recycle.has_value());
    now.candidate = slot.candidate() != nullptr;
    now.held = slot.held;
    for (const auto& g : slot.generations) now.retiring += g->state == GenerationState::retiring ? 1 : 0;
    tally_.add(slot.counted, -1);
    tally_.add(now, +1);
    slot.counted = now;
    if (!now.desired && slot.generations.empty() && !now.held && !slot.stopped) leaving_.insert(slot.id);
    const Need need = need_of(now);
    const std::uint64_t age = need == Need::replace ? serving->number : 0;
    if (need != slot.queued || age != slot.queued_age) {
        if (slot.queued != Need::none) needs_.erase(NeedKey{slot.queued, slot.queued_age, &slot});
        slot.queued = need;
        slot.queued_age = age;
        if (need != Need::none) needs_.insert(NeedKey{need, age, &slot});
    }
}

void ServedBlock::dispatch(Slot& slot, Generation& first, GenerationEvent event, std::string_view text) {
    const std::uint64_t number = first.number;
    struct Next {
        GenerationEvent event;
        std::string text;
    };
    std::optional<Next> next = Next{event, std::string(text)};
    ++depth_;
    while (next) {
        const Next current = std::move(*next);
        next.reset();
        Generation* gen = slot.find(number);
        if (gen == nullptr) break;
        const ProgramSpec* want = desired(slot);
        GenerationFacts facts;
        facts.wanted = want != nullptr && !stale(*gen, want) && !slot.stopped;
        facts.was_ready = gen->was_ready;
        facts.has_pidfile = gen->spec.pidfile.has_value();
        facts.slot_desired = want != nullptr && !slot.stopped;
        facts.held = slot.stopped;
        facts.text = current.text;
        const GenerationTransition t = step(gen->state, current.event, facts);
        if (!t.possible) {
            sv_.internal_error(slot.id, "generation table", name_of(current.event), name_of(gen->state));
            break;
        }
        gen->state = t.next;
        for (const GenerationAction& a : t.actions) {
            switch (a.kind) {
                case GenerationActionKind::log:
                    sv_.fx_.log(a.level, program_context(slot.id), a.message);
                    break;
                case GenerationActionKind::log_pid:
                    sv_.fx_.log(a.level, program_context(slot.id), std::string(a.message) + std::to_string(gen->pid));
                    break;
                case GenerationActionKind::report_error:
                    sv_.fx_.report_error(a.text);
                    break;
                case GenerationActionKind::write_pidfile: {
                    std::optional<std::string> error;
                    if (gen->spec.pidfile) error = sv_.fx_.write_pidfile(*gen->spec.pidfile, gen->pid);
                    next = error ? Next{GenerationEvent::pidfile_failed, std::move(*error)}
                                 : Next{GenerationEvent::pidfile_written, {}};
                    break;
                }
                case GenerationActionKind::serve:
                    serve(slot, *gen);
                    break;
                case GenerationActionKind::stop:
                    stop(slot, *gen);
                    break;
                case GenerationActionKind::failed:
                    failed(slot, &gen->spec, a.text);
                    break;
                case GenerationActionKind::recycle:
                    recycle(slot, a.text, Slot::Recycle::automatic);
                    break;
                case GenerationActionKind::recycle_asked:
                    recycle(slot, a.text, Slot::Recycle::asked);
                    break;
                case GenerationActionKind::remove_pidfile:
                    if (gen->spec.pidfile) sv_.fx_.remove_file(*gen->spec.pidfile);
                    break;
                case GenerationActionKind::arm_restart:
                    arm_restart(slot, *gen);
                    break;
                case GenerationActionKind::forget:
                    forget(slot, number);  // the last action: `gen` may be gone
                    gen = nullptr;
                    break;
            }
            if (gen == nullptr) break;
        }
    }
    count(slot);
    --depth_;
    pump();
}

void ServedBlock::pump() {
    // Nested in a dispatch (or in a pump already): the outermost one goes on.
    if (pumping_ || depth_ > 0) {
        pump_again_ = true;
        return;
    }
    pumping_ = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{pumping_};
    do {
        pump_again_ = false;
        if (tally_.stale > 0 && !rolling_) {
            rolling_ = true;
            sv_.fx_.log(Level::v2, msg::ctx_monitor, std::string(msg::rollout_started) + name_);
        }
        for (;;) {
            const Need first = needs_.empty() ? Need::none : needs_.begin()->need;
            const bool has_replace = !needs_.empty() && std::prev(needs_.end())->need == Need::replace;
            const RolloutStep step = next_step(tally_, surge_, paused(), first, has_replace);
            if (step == RolloutStep::wait) break;
            if (step == RolloutStep::start_next) {
                Slot& slot = *needs_.begin()->slot;
                const ProgramSpec* want = desired(slot);
                if (want == nullptr) {  // counted before a load: counted again
                    count(slot);
                    continue;
                }
                const std::size_t before = needs_.size();
                spawn(slot, *want);
                // A start either fills the need, or pauses the block (its back-off, a
                // failed listen), or drops it (a failed angelctl restart): never the same again.
                if (!paused() && needs_.size() == before && !needs_.empty() && needs_.begin()->slot == &slot) {
                    sv_.internal_error(slot.id, "rollout", "start_next", "a need that a start did not fill");
                    break;
                }
            } else {
                const NeedKey& oldest = *needs_.lower_bound(NeedKey{Need::replace, 0, nullptr});
                Slot& slot = *oldest.slot;
                dispatch(slot, *slot.in_state(GenerationState::serving), GenerationEvent::stop_first);
            }
        }
        if (rolling_ && rollout_settled(tally_)) {
            rolling_ = false;
            // A block that left the config (or a shutdown) ends its rollout unfinished: not "done".
            if (tally_.desired > 0) {
                sv_.fx_.log(Level::v2, msg::ctx_monitor, std::string(msg::rollout_done) + name_);
                sv_.counters_.rollout_done(name_);
            }
        }
        // Slots no longer desired, with nothing left and no restart pending, leave (only
        // those counted so since the last pump: an event does not visit the whole block).
        for (const std::string& id : std::exchange(leaving_, {})) {
            auto it = slots_.find(id);
            if (it == slots_.end()) continue;
            Slot& slot = *it->second;
            if (slot.counted.desired || !slot.generations.empty() || slot.held || slot.stopped) continue;
            if (slot.queued != Need::none) needs_.erase(NeedKey{slot.queued, slot.queued_age, &slot});
            tally_.add(slot.counted, -1);
            sv_.served_.erase(slot.id);
            slots_.erase(it);
        }
    } while (pump_again_);
}

void ServedBlock::spawn(Slot& slot, const ProgramSpec& spec) {
    const std::string ctx = program_context(slot.id);
    // The listening sockets, bound once and held: a failure is one line, and nothing
    // of this block starts before the next sync tries again.
    ServeLaunch serve;
    serve.ready = effective_ready(*spec.serve);
    serve.watchdog_seconds = spec.watchdog.value_or(0);
    for (const ListenAddress& address : spec.serve->listen) {
        auto fd = sv_.fx_.listener(address, spec.serve->socketmode);
        if (auto* error = std::get_if<std::string>(&fd)) {
            sv_.fx_.log(Level::v1, msg::ctx_monitor, std::string(msg::cannot_listen) + *error);
            blocked_ = true;
            return;
        }
        serve.listen_fds.push_back(std::get<int>(fd));
        if (!serve.fd_names.empty()) serve.fd_names += ':';
        serve.fd_names += name_;
    }
    if (slot.restarting) {
        sv_.fx_.log(Level::v2, ctx, msg::restart);
        slot.restarting = false;
    }
    const Generation* serving = slot.serving();
    if (serving == nullptr) {
        sv_.fx_.log(Level::v2, ctx, msg::start);
    } else if (slot.recycle) {
        sv_.fx_.log(Level::v2, ctx, std::string(msg::start_recycling) + std::to_string(serving->pid) + ")");
    } else {
        sv_.fx_.log(Level::v2, ctx, std::string(msg::start_replacing) + std::to_string(serving->pid) + ")");
    }
    const std::string id = slot.id;
    // Numbered before the spawn: the readiness channel's callback names it.
    const std::uint64_t number = sv_.next_generation_++;
    serve.on_message = [sv = &sv_, id, number](ReadyMessage m) {
        sv->route_slot(id, [&](ServedBlock& block, Slot& s) { block.on_ready_message(s, number, std::move(m)); });
    };
    Supervisor::Spawned spawned = sv_.spawn_child(id, spec, number, &serve);
    if (spawned.error) {
        if (spawned.logger_pid > 0) {
            // Its logger runs: a generation that never ran holds it until it ends.
            auto gen = std::make_unique<Generation>();
            gen->number = spawned.generation;
            gen->state = GenerationState::gone;
            gen->spec = spec;
            gen->logger_pid = spawned.logger_pid;
            slot.generations.push_back(std::move(gen));
        }
        sv_.fx_.report_error(*spawned.error);
        failed(slot, &spec, msg::not_ready_exited);
        count(slot);
        return;
    }
    auto owned = std::make_unique<Generation>();
    Generation& gen = *owned;
    gen.number = spawned.generation;
    gen.spec = spec;
    gen.pid = spawned.pid;
    gen.logger_pid = spawned.logger_pid;
    gen.started = sv_.fx_.now();
    gen.channel = std::move(spawned.channel);
    // Owned by the slot before anything that may throw (a log line): a child is never nobody's.
    slot.generations.push_back(std::move(owned));
    ++sv_.history_[id].starts;
    count(slot);
    sv_.fx_.log(Level::v2, ctx, msg::running);
    arm_readiness(slot, gen, serve.ready);
}

void ServedBlock::arm_readiness(Slot& slot, Generation& gen, const ReadySpec& ready) {
    auto on_timer = [sv = &sv_, id = slot.id, number = gen.number](bool timeout) {
        return [sv, id, number, timeout] {
            sv->route_slot(id, [&](ServedBlock& block, Slot& s) { block.on_ready_timer(s, number, timeout); });
        };
    };
    if (ready.kind == ReadySpec::Kind::seconds) {
        if (ready.value == 0) return dispatch(slot, gen, GenerationEvent::ready);
        gen.ready_timer = sv_.fx_.make_timer(on_timer(false));
        gen.ready_timer->arm(capped_seconds(ready.value));
    } else {
        gen.timeout_timer = sv_.fx_.make_timer(on_timer(true));
        gen.timeout_timer->arm(capped_seconds(gen.spec.serve->readytimeout));
    }
}

void ServedBlock::serve(Slot& slot, Generation& gen) {
    sv_.began_to_run(slot.id);  // serving: what `after` waits for
    gen.was_ready = true;
    gen.ready_timer.reset();
    gen.timeout_timer.reset();
    failures_ = 0;
    slot.failed_spec.reset();
    slot.recycle.reset();
    History& history = sv_.history_[slot.id];
    ++history.promotions;
    history.last_error.clear();
    if (const auto maxage = gen.spec.serve->maxage) {
        // Staggered by slot so that a block's instances do not all recycle at once:
        // instance k of n recycles at maxage * (1 - (k-1) / 2n).
        const auto n = static_cast<std::int64_t>(std::max<std::size_t>(slots_.size(), 1));
        const std::int64_t k = std::min(instance_number(slot.id, name_), n);
        const std::int64_t after = std::max<std::int64_t>(1, *maxage - (*maxage * (k - 1)) / (2 * n));
        gen.age_timer = sv_.fx_.make_timer([sv = &sv_, id = slot.id, number = gen.number] {
            sv->route_slot(id, [&](ServedBlock& block, Slot& s) { block.on_age_timer(s, number); });
        });
        gen.age_timer->arm(capped_seconds(after));
    }
    if (gen.spec.check) sv_.start_health(gen.health, slot.id, gen.number, *gen.spec.check, true);
    if (gen.spec.watchdog) {
        // Once ready, a keep-alive at least every `watchdog` seconds (systemd's WatchdogSec=).
        gen.watchdog_timer = sv_.fx_.make_timer([sv = &sv_, id = slot.id, number = gen.number] {
            sv->route_slot(id, [&](ServedBlock& block, Slot& s) { block.on_watchdog_timer(s, number); });
        });
        gen.watchdog_timer->arm(capped_seconds(*gen.spec.watchdog));
    }
    // The one it replaces makes room, now that it is ready.
    for (const auto& g : slot.generations) {
        if (g.get() != &gen && g->state == GenerationState::serving) return dispatch(slot, *g, GenerationEvent::replaced);
    }
}

void ServedBlock::stop(Slot& slot, Generation& gen) {
    gen.health.reset();
    gen.watchdog_timer.reset();
    gen.ready_timer.reset();
    gen.timeout_timer.reset();
    gen.age_timer.reset();
    gen.channel.reset();
    const StopTarget target = stop_target_of(gen.spec, gen.pid, gen.logger_pid);
    gen.stop = std::make_unique<StopRun>(sv_, slot.id, target, [sv = &sv_, id = slot.id, number = gen.number] {
        // Called only after a grace period, never from begin(). What it does may destroy
        // this StopRun and so this closure: only copies are used.
        Supervisor* const owner = sv;
        const std::string slot_id = id;
        const std::uint64_t n = number;
        --owner->served_graces_;
        owner->route_slot(slot_id, [n](ServedBlock& block, Slot& s) { block.on_grace_over(s, n); });
        if (owner->final_pending_ && owner->served_graces_ == 0) owner->finish_shutdown();
    });
    // A soft kill is over at once; the generation stays until reaped.
    if (!gen.stop->begin()) ++sv_.served_graces_;
}

void ServedBlock::failed(Slot& slot, const ProgramSpec* spec, std::string_view why) {
    History& history = sv_.history_[slot.id];
    ++history.start_failures;
    sv_.counters_.rollout_failed(name_);
    history.last_error = std::string(why);
    const ProgramSpec* want = desired(slot);
    if (spec != nullptr) slot.failed_spec = *spec;
    const Generation* serving = slot.serving();
    // An angelctl restart that failed is over: the old one keeps serving, and nothing
    // retries it unasked (maxage and maxrss recycling, and a new spec, do retry).
    if (slot.recycle == Slot::Recycle::asked && serving != nullptr && !stale(*serving, want)) {
        slot.recycle.reset();
        sv_.fx_.log(Level::v1, program_context(slot.id),
                    std::string(why) + std::string(msg::old_keeps_running) + std::string(msg::restart_given_up));
        return;
    }
    ++failures_;
    const ProgramSpec* basis = want != nullptr ? want : spec;
    const std::int64_t wait = basis != nullptr ? retry_backoff(*basis, failures_)
                                               : doubling_wait(kDefaultDelay, failures_, kServedMaxDelay);
    std::string line(why);
    if (serving != nullptr) line += msg::old_keeps_running;
    line += msg::next_try;
    line += seconds_text(wait);
    sv_.fx_.log(Level::v1, program_context(slot.id), line);
    if (!retry_timer_) {
        retry_timer_ = sv_.fx_.make_timer([sv = &sv_, name = name_] {
            sv->route_block(name, [](ServedBlock& block) { block.on_retry_timer(); });
        });
    }
    retry_timer_->arm(capped_seconds(wait));
}

void ServedBlock::recycle(Slot& slot, std::string_view why, Slot::Recycle cause) {
    if (slot.recycle) return;
    sv_.fx_.log(Level::v2, program_context(slot.id), std::string(msg::recycle) + std::string(why));
    slot.recycle = cause;
}

void ServedBlock::arm_restart(Slot& slot, const Generation& gen) {
    slot.held = true;
    slot.recycle.reset();
    if (!slot.restart_timer) {
        slot.restart_timer = sv_.fx_.make_timer([sv = &sv_, id = slot.id] {
            sv->route_slot(id, [](ServedBlock& block, Slot& s) { block.on_restart_timer(s); });
        });
    }
    const ProgramSpec& want = *desired(slot);
    std::int64_t wait = delay_seconds(want);
    if (want.maxdelay) {
        const auto ran = std::chrono::duration_cast<std::chrono::seconds>(sv_.fx_.now() - gen.started).count();
        const Backoff b = restart_backoff(want, ran, slot.quick_failures);
        slot.quick_failures = b.quick_failures;
        wait = b.wait;
    }
    slot.restart_timer->arm(capped_seconds(wait));
}

void ServedBlock::forget(Slot& slot, std::uint64_t number) {
    auto& list = slot.generations;
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& g) { return g->number == number; });
    if (it == list.end()) return;
    Generation& gen = **it;
    if (gen.state == GenerationState::gone) {
        gen.channel.reset();
        gen.ready_timer.reset();
        gen.timeout_timer.reset();
        gen.age_timer.reset();
    }
    // Kept while its child or logger is unreaped, or while its grace timer runs (the
    // timer belongs to the StopRun, which belongs to it).
    if (gen.alive() || gen.logger_pid > 0 || (gen.stop && !gen.stop->over())) return;
    list.erase(it);
}

void ServedBlock::on_load() {
    surge_ = 0;
    for (auto& [id, slot] : slots_) {
        // A stopped slot stays stopped while its id stays in this block; else it is forgotten.
        if (slot->stopped && desired(*slot) == nullptr) slot->stopped = false;
        count(*slot);
        if (const ProgramSpec* want = desired(*slot)) surge_ = effective_surge(*want->serve);
    }
}

void ServedBlock::on_sync() {
    // Each sync tries a failed listen address once more.
    blocked_ = false;
    ++depth_;
    for (auto& [id, slot] : slots_) {
        const ProgramSpec* want = desired(*slot);
        // A spec that differs from the one that last failed ends the back-off (a new deploy).
        if (slot->failed_spec && want != nullptr && *slot->failed_spec != *want) {
            failures_ = 0;
            if (retry_timer_) retry_timer_->cancel();
        }
        // A new instance of a spec no longer desired is stopped; nothing else of its slot moves.
        if (Generation* c = slot->in_state(GenerationState::starting); c != nullptr && stale(*c, want)) {
            dispatch(*slot, *c, sv_.shutting_down() ? GenerationEvent::shutdown : GenerationEvent::spec_changed);
        }
        count(*slot);
    }
    check_memory();
    --depth_;
    pump();
}

void ServedBlock::on_exit(Slot& slot, const ChildRef& child, pid_t pid) {
    Generation* gen = slot.find(child.generation);
    if (child.role == ChildRef::Role::logger) {
        sv_.fx_.log(Level::v2, logger_context(slot.id), msg::ended);
        if (gen != nullptr && gen->logger_pid == pid) {
            gen->logger_pid = 0;
            forget(slot, child.generation);
            count(slot);
            pump();
        }
        return;
    }
    if (gen == nullptr || gen->pid != pid) return;
    gen->pid = 0;
    gen->health.reset();
    gen->watchdog_timer.reset();
    dispatch(slot, *gen, GenerationEvent::exited);
}

void ServedBlock::on_ready_message(Slot& slot, std::uint64_t number, ReadyMessage m) {
    Generation* gen = slot.find(number);
    if (gen == nullptr) return;
    switch (m.kind) {
        case ReadyMessage::Kind::ready:
            // `ready = N` seconds: its timer decides, not a READY=1.
            if (effective_ready(*gen->spec.serve).kind == ReadySpec::Kind::seconds) return;
            return dispatch(slot, *gen, GenerationEvent::ready);
        case ReadyMessage::Kind::never:
            return dispatch(slot, *gen, GenerationEvent::readiness_eof);
        case ReadyMessage::Kind::stopping:
            return dispatch(slot, *gen, GenerationEvent::stopping);
        case ReadyMessage::Kind::watchdog:
            // A keep-alive before it is ready, or once it retires, is not needed.
            if (gen->watchdog_timer && gen->state == GenerationState::serving) {
                gen->watchdog_timer->arm(capped_seconds(*gen->spec.watchdog));
            }
            return;
        case ReadyMessage::Kind::status:
            // A changed status only: an instance repeating itself does not flood the log.
            if (m.text != gen->status) {
                sv_.fx_.log(Level::v2, program_context(slot.id), std::string(msg::status) + m.text);
                gen->status = std::move(m.text);
            }
            return;
    }
}

void ServedBlock::on_ready_timer(Slot& slot, std::uint64_t number, bool timeout) {
    Generation* gen = slot.find(number);
    if (gen == nullptr) return;
    if (!timeout) return dispatch(slot, *gen, GenerationEvent::ready);
    const std::string why = std::string(msg::not_ready_timeout) + seconds_text(gen->spec.serve->readytimeout) +
                            std::string(msg::after_it_started);
    dispatch(slot, *gen, GenerationEvent::ready_timeout, why);
}

void ServedBlock::on_age_timer(Slot& slot, std::uint64_t number) {
    Generation* gen = slot.find(number);
    if (gen == nullptr || !gen->spec.serve->maxage) return;
    dispatch(slot, *gen, GenerationEvent::recycle_due, std::string(msg::recycle_older) + seconds_text(*gen->spec.serve->maxage));
}

void ServedBlock::on_restart_timer(Slot& slot) {
    slot.held = false;
    slot.restarting = true;
    count(slot);
    pump();
}

void ServedBlock::on_grace_over(Slot& slot, std::uint64_t number) {
    if (Generation* gen = slot.find(number)) dispatch(slot, *gen, GenerationEvent::grace_elapsed);
}

void ServedBlock::on_retry_timer() { pump(); }

void ServedBlock::restart(Slot& slot) {
    if (Generation* gen = slot.in_state(GenerationState::serving)) dispatch(slot, *gen, GenerationEvent::restart_asked);
}

void ServedBlock::stop_slot(Slot& slot) {
    sv_.fx_.log(Level::v2, program_context(slot.id), msg::stop_requested);
    slot.stopped = true;
    slot.held = false;  // no restart after its delay
    slot.restarting = false;
    slot.recycle.reset();
    if (slot.restart_timer) slot.restart_timer->cancel();
    std::vector<std::uint64_t> live;
    for (const auto& g : slot.generations) {
        if (g->alive() && (g->state == GenerationState::starting || g->state == GenerationState::serving)) {
            live.push_back(g->number);
        }
    }
    ++depth_;
    for (const std::uint64_t number : live) {
        if (Generation* gen = slot.find(number)) dispatch(slot, *gen, GenerationEvent::stop_asked);
    }
    count(slot);
    --depth_;
    pump();
}

void ServedBlock::start_slot(Slot& slot) {
    sv_.fx_.log(Level::v2, program_context(slot.id), msg::start_requested);
    slot.stopped = false;
    count(slot);  // desired again: an empty slot, first in the rollout's queue
    pump();
}

void ServedBlock::on_unhealthy(Slot& slot, std::uint64_t number, const std::string& why) {
    Generation* gen = slot.find(number);
    if (gen != nullptr && gen->state == GenerationState::serving) dispatch(slot, *gen, GenerationEvent::unhealthy, why);
}

void ServedBlock::on_watchdog_timer(Slot& slot, std::uint64_t number) {
    Generation* gen = slot.find(number);
    if (gen == nullptr || gen->state != GenerationState::serving || !gen->spec.watchdog) return;
    const std::string why = std::string(msg::watchdog_missed) + seconds_text(*gen->spec.watchdog);
    sv_.fx_.log(Level::v2, program_context(slot.id), why);
    // As an unhealthy check: replaced start-first, the old one serving until then.
    dispatch(slot, *gen, GenerationEvent::unhealthy, std::string(msg::recycle_unhealthy) + "watchdog");
}

void ServedBlock::check_memory() {
    for (auto& [id, slot] : slots_) {
        Generation* gen = slot->in_state(GenerationState::serving);
        if (gen == nullptr || !gen->spec.serve->maxrss || slot->recycle) continue;
        const std::uint64_t limit = static_cast<std::uint64_t>(*gen->spec.serve->maxrss) << 20;
        const auto rss = sv_.fx_.resident_bytes(gen->pid);
        if (rss && *rss > limit) {
            dispatch(*slot, *gen, GenerationEvent::recycle_due,
                     std::string(msg::recycle_memory) + std::to_string(*rss >> 20) + " MiB is over " +
                         std::to_string(*gen->spec.serve->maxrss) + " MiB");
        }
    }
}

void ServedBlock::recover() {
    // A throw may have left a dead generation in a live state, or a tally behind: the
    // dead go, and every slot is counted again from what it holds.
    for (auto& [id, slot] : slots_) {
        for (auto& g : slot->generations) {
            if (!g->alive() && g->state != GenerationState::gone) g->state = GenerationState::gone;
        }
        std::erase_if(slot->generations, [](const auto& g) {
            return g->state == GenerationState::gone && g->logger_pid == 0 && (!g->stop || g->stop->over());
        });
        if (slot->held && (!slot->restart_timer || !slot->restart_timer->armed())) slot->held = false;
    }
    tally_ = BlockTally{};
    needs_.clear();
    for (auto& [id, slot] : slots_) {
        slot->counted = SlotTally{};
        slot->queued = Need::none;
        slot->queued_age = 0;
        count(*slot);
    }
    depth_ = 0;
    pumping_ = false;
}

void ServedBlock::listeners_in_use(std::vector<std::string>& out) const {
    for (const auto& [id, slot] : slots_) {
        for (const auto& g : slot->generations) {
            if (!g->alive()) continue;
            for (const ListenAddress& a : g->spec.serve->listen) out.push_back(a.text);
        }
    }
}

}  // namespace angel
