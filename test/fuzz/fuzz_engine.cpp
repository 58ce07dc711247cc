// libFuzzer target for the whole decision model: random configs (original and served
// programs, counts, readiness kinds, surges), reloads, exits, readiness messages,
// restart, stop and start requests, bind failures, time, and shutdown, driven through the engine on
// the unit tests' fake world. Several events may happen at one instant, in an order
// the input chooses (timers due then included). Findings: a crash or sanitizer
// report, an exception out of a handler (the fake world throws on a signal to a pid
// that is not an unreaped child), an impossible event, a live program the engine does
// not hold, a served instance stopped with no ready replacement (issue 16), a start
// beyond count + surge, and, after a quiet settling period, a desired program not
// running its desired spec.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "fake_world.hpp"

namespace angel::test {
namespace {

ProgramSpecs random_config(FuzzedDataProvider& in) {
    ProgramSpecs out;
    const int plain = in.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < plain; ++i) {
        ProgramSpec s = program("p" + std::to_string(i), in.ConsumeBool() ? "run a" : "run b");
        if (in.ConsumeBool()) s.delay = in.ConsumeIntegralInRange(0, 3);
        if (in.ConsumeBool()) s.termgrace = in.ConsumeIntegralInRange(0, 2);
        if (in.ConsumeBool()) s.logger = "log";
        if (in.ConsumeBool()) s.exec = "bad";
        out[s.id] = s;
    }
    const int blocks = in.ConsumeIntegralInRange(0, 2);
    for (int b = 0; b < blocks; ++b) {
        const std::string block = "s" + std::to_string(b);
        const int count = in.ConsumeIntegralInRange(0, 3);
        ServeSpec serve;
        serve.group = block;
        serve.listen = {*parse_listen_address(std::to_string(8080 + b))};
        switch (in.ConsumeIntegralInRange(0, 3)) {
            case 0: serve.ready = ReadySpec{ReadySpec::Kind::seconds, in.ConsumeIntegralInRange(0, 2)}; break;
            case 1: serve.ready = ReadySpec{ReadySpec::Kind::notify, 0}; break;
            case 2: serve.ready = ReadySpec{ReadySpec::Kind::fd, 5}; break;
            default: break;
        }
        if (in.ConsumeBool()) serve.surge = in.ConsumeIntegralInRange(0, 2);
        serve.readytimeout = in.ConsumeIntegralInRange(1, 5);
        if (in.ConsumeBool()) serve.maxage = in.ConsumeIntegralInRange(2, 20);
        if (in.ConsumeBool()) serve.maxrss = 1;
        const std::string exec = in.ConsumeBool() ? "srv" + block + " v1" : (in.ConsumeBool() ? "srv" + block + " v2" : "bad");
        const bool logger = in.ConsumeBool();
        const std::optional<std::int64_t> grace = in.ConsumeBool() ? std::optional<std::int64_t>(1) : std::nullopt;
        for (int k = 1; k <= count; ++k) {
            ProgramSpec s = program(block + "-" + std::to_string(k), exec);
            s.env = {{"ANGEL_PROCESS_NUMBER", std::to_string(k)}};
            s.serve = serve;
            s.pidfile = "/run/" + s.id + ".pid";  // written when ready: the checks' witness
            s.termgrace = grace;
            if (logger) s.logger = "log";
            out[s.id] = s;
        }
    }
    if (in.ConsumeBool()) {  // an id that may change between original and served
        ProgramSpec s = program("k", "run k");
        if (in.ConsumeBool()) {
            ServeSpec serve;
            serve.group = "k";
            s.serve = serve;
            s.pidfile = "/run/k.pid";
        }
        out[s.id] = s;
    }
    return out;
}

[[noreturn]] void finding(const std::string& what, const FakeWorld& w) {
    std::fprintf(stderr, "FINDING: %s\n--- log ---\n%s", what.c_str(), w.log_text().c_str());
    std::abort();
}

bool has_stop_signal(const FakeWorld::Process& p) {
    return std::any_of(p.signals.begin(), p.signals.end(), [](int s) { return s == SIGTERM || s == SIGKILL; });
}

/// The served programs of `block` in `config`, and the block's effective surge.
std::pair<std::int64_t, std::int64_t> block_size(const ProgramSpecs& config, const std::string& block) {
    std::int64_t count = 0;
    std::int64_t surge = 0;
    for (const auto& [id, spec] : config) {
        if (!is_served(spec) || spec.serve->group != block) continue;
        ++count;
        surge = effective_surge(*spec.serve);
    }
    return {count, surge};
}

/// Judges the world as a user would see it: which fake processes live, with which
/// spec, which were made ready (a served instance's pidfile names it when it is), which
/// got a stop signal, and the config angel last loaded. No engine state.
struct Judge {
    FakeWorld& w;
    bool shutdown = false;      ///< a shutdown was asked: everything may be stopped
    std::set<std::string> stop_asked;  ///< ids angelctl stop was asked for (and no start since)
    std::string violation;      ///< the first one seen, reported after its event

    std::set<pid_t> ready_pids() const {
        std::set<pid_t> out;
        for (const auto& [path, pid] : w.pidfiles_written) out.insert(pid);
        return out;
    }

    /// Issue 16, item 1: a slot's serving instance gets TERM (or KILL) only once a ready
    /// replacement of the same id lives, unless the id left the config, changed kind or
    /// block, the block is stop-first (surge 0), or angel shuts down.
    void on_signal(pid_t target, int sig) {
        if (!violation.empty() || shutdown || (sig != SIGTERM && sig != SIGKILL)) return;
        const pid_t pid = target < 0 ? -target : target;
        auto p = w.live.find(pid);
        if (p == w.live.end() || p->second.logger || has_stop_signal(p->second)) return;  // first stop only
        const ProgramSpec& spec = w.launched_specs.at(pid);
        const std::set<pid_t> ready = ready_pids();
        if (!is_served(spec) || !ready.contains(pid) || !w.loaded) return;
        auto want = w.loaded->find(spec.id);
        if (want == w.loaded->end() || !is_served(want->second) || want->second.serve->group != spec.serve->group) return;
        if (effective_surge(*want->second.serve) == 0) return;
        if (stop_asked.contains(spec.id)) return;  // angelctl stop: no replacement wanted
        for (const auto& [other, q] : w.live) {
            if (other == pid || q.logger || has_stop_signal(q) || !ready.contains(other)) continue;
            if (w.launched_specs.at(other).id == spec.id) return;  // a ready replacement
        }
        violation = std::string(sig == SIGTERM ? "TERM" : "KILL") + " to " + spec.id + "'s serving instance (pid " +
                    std::to_string(pid) + ", " + spec.exec + ") with no ready replacement, at " +
                    std::to_string(w.seconds()) + " s";
    }

    /// Issue 16, item 1: a new instance never makes its block's live instances more than
    /// the current config's count + surge (a lowered count's excess is older: exempt).
    void on_launch(pid_t pid) {
        if (!violation.empty()) return;
        const ProgramSpec& spec = w.launched_specs.at(pid);
        if (!is_served(spec) || !w.loaded) return;
        std::int64_t live = 0;
        for (const auto& [other, q] : w.live) {
            if (q.logger) continue;
            const ProgramSpec& s = w.launched_specs.at(other);
            if (is_served(s) && s.serve->group == spec.serve->group) ++live;
        }
        const auto [count, surge] = block_size(*w.loaded, spec.serve->group);
        if (live > count + surge) {
            violation = "starting " + spec.id + " (pid " + std::to_string(pid) + ") makes block " + spec.serve->group +
                        " " + std::to_string(live) + " live, over count " + std::to_string(count) + " + surge " +
                        std::to_string(surge) + ", at " + std::to_string(w.seconds()) + " s";
        }
    }
};

/// Everything the checks ask of the engine, in one place (its internals change: adapt
/// here only): the pids its index names, the live program pids it holds (an instance,
/// a served generation, the sync's kill), and its count of impossible events.
struct EngineFacts {
    std::map<pid_t, std::string> indexed;  ///< children(): pid -> id
    std::set<pid_t> held;
    std::size_t impossible = 0;
};

EngineFacts ask_engine(const Supervisor& engine, const FakeWorld& w) {
    EngineFacts out;
    out.impossible = engine.impossible_events();
    for (const auto& [pid, child] : engine.children()) out.indexed[pid] = child.id;
    for (const auto& [pid, p] : w.live) {
        auto child = engine.children().find(pid);
        if (p.logger || child == engine.children().end()) continue;
        const std::string& id = child->second.id;
        bool owned = false;
        if (const Instance* inst = engine.instance(id); inst != nullptr && inst->pid == pid) owned = true;
        if (const Slot* slot = engine.slot(id)) {
            for (const auto& g : slot->generations) owned = owned || g->pid == pid;
        }
        // A sync's kill may still be on its way to a program whose entry has gone.
        if (const StopRun* stop = engine.sync_stop(); stop != nullptr && stop->target().pid == pid) owned = true;
        if (owned) out.held.insert(pid);
    }
    return out;
}

/// After every event: no impossible event, no recorded violation, and every live
/// program indexed and held by the engine under the id it was started as.
void check(const Rig& rig, const Judge& judge) {
    if (!judge.violation.empty()) finding(judge.violation, rig.world);
    if (rig.world.finished) return;
    const EngineFacts facts = ask_engine(rig.engine, rig.world);
    if (facts.impossible != 0) finding("an impossible event", rig.world);
    for (const auto& [pid, p] : rig.world.live) {
        if (p.logger) continue;
        const std::string& id = rig.world.launched_specs.at(pid).id;
        auto indexed = facts.indexed.find(pid);
        if (indexed == facts.indexed.end() || indexed->second != id) {
            finding("live pid " + std::to_string(pid) + " of " + id + " not in the index", rig.world);
        }
        if (!facts.held.contains(pid)) finding("live pid " + std::to_string(pid) + " of " + id + " is nobody's", rig.world);
    }
}

/// With no failure, no exit and every instance ready, everything converges: each
/// desired program has a live instance of its desired spec that got no stop signal
/// (made ready, if served).
void settle_and_check(Rig& rig, const Judge& judge, const ProgramSpecs& config) {
    rig.world.unbindable.clear();
    rig.world.fail_exec.clear();
    rig.world.rss.clear();
    rig.world.ignore_term_for.clear();
    for (int i = 0; i < 200 && !rig.world.finished; ++i) {
        std::vector<pid_t> pids, stuck;
        for (const auto& [pid, p] : rig.world.live) {
            pids.push_back(pid);
            // A TERM it ignores, with no termgrace to follow: an operator would kill it.
            if (p.ignores_term && std::find(p.signals.begin(), p.signals.end(), SIGTERM) != p.signals.end()) {
                stuck.push_back(pid);
            }
        }
        for (pid_t pid : stuck) rig.world.exit_now(pid);
        for (pid_t pid : pids) rig.world.say(pid, ReadyMessage::Kind::ready);
        rig.world.advance_seconds(1);
        check(rig, judge);
    }
    if (rig.world.finished) return;
    const std::set<pid_t> ready = judge.ready_pids();
    for (const auto& entry : config) {
        const std::string& id = entry.first;
        const ProgramSpec& spec = entry.second;
        if (spec.serve && spec.serve->maxage) continue;  // may be recycling right now
        if (rig.engine.is_held(id)) {
            // angelctl stop holds it down: nothing of it may run.
            for (const auto& [pid, p] : rig.world.live) {
                if (!p.logger && rig.world.launched_specs.at(pid).id == id) finding("stopped " + id + " runs", rig.world);
            }
            continue;
        }
        const bool runs = std::any_of(rig.world.live.begin(), rig.world.live.end(), [&](const auto& entry) {
            const auto& [pid, p] = entry;
            return !p.logger && !has_stop_signal(p) && rig.world.launched_specs.at(pid) == spec &&
                   (!is_served(spec) || ready.contains(pid));
        });
        if (!runs) finding((is_served(spec) ? "served " : "program ") + id + " did not converge", rig.world);
    }
}

/// One event at the current instant, its parameters drawn when it is queued.
struct Event {
    enum class Kind { hup, hup_error, exit, say, restart, shutdown, stop, start } kind;
    std::size_t pick = 0;  ///< which live pid or desired id (modulo their number)
    ReadyMessage::Kind message = ReadyMessage::Kind::ready;
    ProgramSpecs config;
};

Event queue_event(FuzzedDataProvider& in) {
    Event e{};
    switch (in.ConsumeIntegralInRange(0, 9)) {
        case 0: case 1: e.kind = Event::Kind::hup; e.config = random_config(in); break;
        case 2: e.kind = Event::Kind::hup_error; break;
        case 3: case 4: e.kind = Event::Kind::exit; break;
        case 5: case 6: e.kind = Event::Kind::say; break;
        case 7: case 8: e.kind = Event::Kind::restart; break;
        default:
            // Shutdown as before (a tenth); angelctl stop and start often enough to meet.
            switch (in.ConsumeIntegralInRange(0, 9)) {
                case 0: e.kind = Event::Kind::shutdown; break;
                case 1: case 2: case 3: case 4: e.kind = Event::Kind::stop; break;
                case 5: case 6: case 7: case 8: e.kind = Event::Kind::start; break;
                default: e.kind = Event::Kind::say; break;
            }
            break;
    }
    e.pick = in.ConsumeIntegral<std::uint8_t>();
    e.message = static_cast<ReadyMessage::Kind>(in.ConsumeIntegralInRange(0, 3));
    return e;
}

/// A live program pid (not a logger), or 0.
pid_t live_program(const FakeWorld& w, std::size_t pick) {
    std::vector<pid_t> pids;
    for (const auto& [pid, p] : w.live) {
        if (!p.logger) pids.push_back(pid);
    }
    return pids.empty() ? 0 : pids[pick % pids.size()];
}

/// angelctl restart, stop or start of the `pick`th id of the config angel last loaded.
void ask(Rig& rig, Judge& judge, Event::Kind kind, std::size_t pick) {
    if (!rig.world.loaded || rig.world.loaded->empty()) return;
    auto it = rig.world.loaded->begin();
    std::advance(it, pick % rig.world.loaded->size());
    if (kind == Event::Kind::restart) {
        (void)rig.engine.restart(it->first);
    } else if (kind == Event::Kind::stop) {
        judge.stop_asked.insert(it->first);
        (void)rig.engine.stop_program(it->first);
    } else {
        (void)rig.engine.start_program(it->first);
        if (!rig.engine.is_held(it->first)) judge.stop_asked.erase(it->first);
    }
}

void deliver(Rig& rig, Judge& judge, ProgramSpecs& current, Event& e) {
    switch (e.kind) {
        case Event::Kind::hup:
            current = std::move(e.config);
            rig.reload(current);
            return;
        case Event::Kind::hup_error:
            rig.reload(std::string("a config error"));
            return;
        case Event::Kind::exit:
            if (const pid_t pid = live_program(rig.world, e.pick)) rig.world.exit_now(pid);
            return;
        case Event::Kind::say:
            if (const pid_t pid = live_program(rig.world, e.pick)) rig.world.say(pid, e.message, "x");
            return;
        case Event::Kind::restart:
        case Event::Kind::stop:
        case Event::Kind::start:
            return ask(rig, judge, e.kind, e.pick);
        case Event::Kind::shutdown:
            judge.shutdown = true;
            rig.engine.on_shutdown_signal();
            return;
    }
}

/// Time passes to an instant; some events happen at it, and the timers due at it fire,
/// in an order the input chooses; children's exits are reaped as events of their own.
void instant(Rig& rig, Judge& judge, ProgramSpecs& current, FuzzedDataProvider& in) {
    rig.world.advance_before(std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 12000)));
    check(rig, judge);
    std::vector<Event> queue;
    const int n = in.ConsumeIntegralInRange(1, 4);
    for (int i = 0; i < n; ++i) queue.push_back(queue_event(in));
    rig.world.auto_reap = false;
    for (int guard = 0; guard < 400 && !rig.world.finished; ++guard) {
        const std::size_t due = rig.world.due_now();
        const std::size_t options = queue.size() + due + (rig.world.exits_pending() ? 1 : 0);
        if (options == 0) break;
        const std::size_t k = in.ConsumeIntegralInRange<std::size_t>(0, options - 1);
        if (k < queue.size()) {
            Event e = std::move(queue[k]);
            queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(k));
            deliver(rig, judge, current, e);
        } else if (k < queue.size() + due) {
            rig.world.fire_due(k - queue.size());
        } else {
            rig.world.deliver_exits();
        }
        check(rig, judge);
    }
    rig.world.auto_reap = true;
    rig.world.deliver_exits();
    check(rig, judge);
}

}  // namespace
}  // namespace angel::test

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace angel;
    using namespace angel::test;
    FuzzedDataProvider in(data, size);
    Rig rig(random_config(in));
    ProgramSpecs current = std::get<ProgramSpecs>(rig.world.config);
    rig.world.fail_exec.insert("bad");
    Judge judge{rig.world};
    rig.world.on_signal = [&judge](pid_t pid, int sig) { judge.on_signal(pid, sig); };
    rig.world.on_launch = [&judge](pid_t pid) { judge.on_launch(pid); };
    rig.world.pick_tie = [&in](std::size_t n) { return in.ConsumeIntegralInRange<std::size_t>(0, n - 1); };
    rig.engine.start();
    check(rig, judge);
    int steps = 0;
    while (in.remaining_bytes() > 0 && ++steps < 200 && !rig.world.finished) {
        switch (in.ConsumeIntegralInRange(0, 10)) {
            case 0:
                current = random_config(in);
                rig.reload(current);
                break;
            case 1:
                rig.world.advance(std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 15000)));
                break;
            case 2: case 3: {
                const pid_t pid = live_program(rig.world, in.ConsumeIntegral<std::uint8_t>());
                if (pid == 0) break;
                if (in.ConsumeBool()) {
                    rig.world.exit_now(pid);
                    rig.world.deliver_exits();
                } else {
                    rig.world.say(pid, static_cast<ReadyMessage::Kind>(in.ConsumeIntegralInRange(0, 3)), "x");
                }
                break;
            }
            case 4:
                if (!rig.world.live.empty()) rig.world.rss[rig.world.live.begin()->first] = 2u << 20;
                break;
            case 5:
                if (in.ConsumeBool()) rig.world.unbindable.insert("8080"); else rig.world.unbindable.clear();
                break;
            case 6:
                rig.reload(std::string("a config error"));
                break;
            case 7:
                rig.world.ignore_term_for.insert(in.ConsumeBool() ? "srvs0" : "run");
                break;
            case 8: {
                // The draw picks too, so that inputs from before stop and start read the same.
                const int r = in.ConsumeIntegralInRange(0, 9);
                if (r == 0) {
                    judge.shutdown = true;
                    rig.engine.on_shutdown_signal();
                } else if (r <= 4) {
                    ask(rig, judge, Event::Kind::stop, static_cast<std::size_t>(r - 1));
                } else if (r <= 8) {
                    ask(rig, judge, Event::Kind::start, static_cast<std::size_t>(r - 5));
                }
                break;
            }
            default:  // 9, 10
                instant(rig, judge, current, in);
                break;
        }
        check(rig, judge);
    }
    if (!rig.world.finished) {
        // HUPs coalesce: a reload loads the file as it is when the reload runs, so the
        // engine may never have seen `current`. One more HUP with it, then it must run.
        rig.reload(current);
        check(rig, judge);
        settle_and_check(rig, judge, current);
    }
    return 0;
}
