// libFuzzer target for the whole decision model: random configs (original and served
// programs, counts, readiness kinds, surges), reloads, exits, readiness messages,
// bind failures, time, and shutdown, driven through the engine on the unit tests'
// fake world. Findings: a crash or sanitizer report, an exception out of a handler
// (the fake world throws on a signal to a pid that is not an unreaped child), an
// impossible event, a live program that no instance or generation owns, and, after a
// quiet settling period, a desired program not running its desired spec.
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
        }
        out[s.id] = s;
    }
    return out;
}

[[noreturn]] void finding(const std::string& what, const FakeWorld& w) {
    std::fprintf(stderr, "FINDING: %s\n--- log ---\n%s", what.c_str(), w.log_text().c_str());
    std::abort();
}

/// Every live program (not logger) belongs to an instance or a served generation.
void check_owned(const Rig& rig) {
    for (const auto& [pid, p] : rig.world.live) {
        if (p.logger) continue;
        auto child = rig.engine.children().find(pid);
        if (child == rig.engine.children().end()) finding("live pid " + std::to_string(pid) + " not in the index", rig.world);
        const std::string& id = child->second.id;
        if (const Instance* inst = rig.engine.instance(id); inst != nullptr && inst->pid == pid) continue;
        bool owned = false;
        if (const Slot* slot = rig.engine.slot(id)) {
            for (const auto& g : slot->generations) owned = owned || g->pid == pid;
        }
        // A sync's kill may still be on its way to a program whose entry has gone.
        if (const StopRun* stop = rig.engine.sync_stop(); stop != nullptr && stop->target().pid == pid) owned = true;
        if (!owned) finding("live pid " + std::to_string(pid) + " of " + id + " is nobody's", rig.world);
    }
}

/// A served block's live programs (its slots' children, removed ones included) never
/// grow while they are at or above count + surge: the budget of a rollout.
void check_budget(const Rig& rig, const ProgramSpecs& config, std::map<std::string, std::size_t>& before,
                  bool loaded) {
    std::map<std::string, std::size_t> alive;
    for (const auto& [pid, p] : rig.world.live) {
        if (p.logger) continue;
        auto child = rig.engine.children().find(pid);
        if (child == rig.engine.children().end() || rig.engine.slot(child->second.id) == nullptr) continue;
        ++alive[rig.engine.slot(child->second.id)->block->name()];
    }
    for (const auto& entry : alive) {
        const std::string& group = entry.first;
        const std::size_t n = entry.second;
        std::int64_t bound = 0;
        for (const auto& [id, spec] : config) {
            if (spec.serve && spec.serve->group == group) {
                bound = static_cast<std::int64_t>(std::count_if(config.begin(), config.end(), [&](const auto& e) {
                            return e.second.serve && e.second.serve->group == group;
                        })) + effective_surge(*spec.serve);
                break;
            }
        }
        // A step in which a config loaded may have started instances under the bound of
        // a config that is gone by its end: only the figures are taken then.
        if (!loaded && static_cast<std::int64_t>(n) > bound && n > before[group]) {
            finding("block " + group + " grew to " + std::to_string(n) + " live over its bound " +
                        std::to_string(bound), rig.world);
        }
    }
    before = std::move(alive);
}

/// With no failure, no exit and every instance ready, everything converges.
void settle_and_check(Rig& rig, const ProgramSpecs& config) {
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
    }
    if (rig.world.finished) return;
    for (const auto& [id, spec] : config) {
        if (spec.serve && spec.serve->maxage) continue;  // may be recycling right now
        if (is_served(spec)) {
            const Slot* slot = rig.engine.slot(id);
            if (slot == nullptr || !slot->serving() || slot->serving()->spec != spec) {
                finding("served " + id + " did not converge", rig.world);
            }
        } else {
            const Instance* inst = rig.engine.instance(id);
            if (inst == nullptr || inst->state != InstanceState::running || inst->spec != spec) {
                finding("program " + id + " did not converge", rig.world);
            }
        }
    }
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
    bool bad_config = false;
    rig.engine.start();
    int steps = 0;
    std::map<std::string, std::size_t> alive_before;
    check_budget(rig, rig.engine.desired(), alive_before, true);  // the start's own figures
    while (in.remaining_bytes() > 0 && ++steps < 200 && !rig.world.finished) {
        const int loads_before = rig.world.loads;
        switch (in.ConsumeIntegralInRange(0, 8)) {
            case 0:
                current = random_config(in);
                rig.reload(current);
                bad_config = false;
                break;
            case 1:
                rig.world.advance(std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 15000)));
                break;
            case 2: case 3: {
                if (rig.world.live.empty()) break;
                auto it = rig.world.live.begin();
                std::advance(it, in.ConsumeIntegralInRange<std::size_t>(0, rig.world.live.size() - 1));
                const pid_t pid = it->first;
                if (in.ConsumeBool()) {
                    rig.world.exit_now(pid);
                } else {
                    const auto kind = static_cast<ReadyMessage::Kind>(in.ConsumeIntegralInRange(0, 3));
                    rig.world.say(pid, kind, "x");
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
                bad_config = true;
                break;
            case 7:
                rig.world.ignore_term_for.insert(in.ConsumeBool() ? "srvs0" : "run");
                break;
            case 8:
                if (in.ConsumeIntegralInRange(0, 9) == 0) rig.engine.on_shutdown_signal();
                break;
        }
        if (rig.engine.impossible_events() != 0) finding("an impossible event", rig.world);
        if (!rig.world.finished) {
            check_owned(rig);
            check_budget(rig, rig.engine.desired(), alive_before, rig.world.loads != loads_before);
        }
    }
    (void)bad_config;
    if (!rig.world.finished) {
        // HUPs coalesce: a reload loads the file as it is when the reload runs, so the
        // engine may never have seen `current`. One more HUP with it, then it must run.
        rig.reload(current);
        settle_and_check(rig, current);
    }
    return 0;
}
