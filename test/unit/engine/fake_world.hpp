// A fake world for the engine: a clock that moves only when told, timers on it,
// processes that are pids in a table, files that are names in a set, and a log
// kept as lines stamped with the fake time. Deterministic: no thread, no sleep.
#pragma once

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "supervisor/engine/effects.hpp"
#include "supervisor/engine/supervisor.hpp"

namespace angel {

// For the test tools' messages.
inline std::ostream& operator<<(std::ostream& os, Phase p) { return os << name_of(p); }
inline std::ostream& operator<<(std::ostream& os, InstanceState s) { return os << name_of(s); }

}  // namespace angel

namespace angel::test {

class FakeWorld final : public Effects {
public:
    // ------------------------------------------------------------ the clock
    Clock::time_point now() const override { return start_ + elapsed_; }
    double seconds() const { return std::chrono::duration<double>(elapsed_).count(); }

    std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) override {
        auto state = std::make_shared<TimerState>();
        state->on_fire = std::move(on_fire);
        timers_.push_back(state);
        return std::make_unique<FakeTimer>(*this, state);
    }

    /// Lets `by` pass: exits are delivered first (the loop's SIGCHLD), then every
    /// timer due by then fires in deadline order, each at its own time, with the
    /// exits it causes delivered after it. Timers due at the same instant fire in
    /// arming order, or in the order `pick_tie` chooses.
    void advance(std::chrono::milliseconds by) { run_timers(elapsed_ + by, true); }
    void advance_seconds(double s) { advance(std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000))); }
    /// As advance, but the timers due exactly at the end stay armed: the clock reads
    /// that instant, and `fire_due` and other events may then run in any order.
    void advance_before(std::chrono::milliseconds by) { run_timers(elapsed_ + by, false); }

    /// The armed timers due now (at or before the clock), oldest arming first.
    std::size_t due_now() const { return due(elapsed_).size(); }
    /// Fires the `pick`-th of them (modulo their number), then delivers the exits it
    /// caused (if auto_reap). False if none is due.
    bool fire_due(std::size_t pick) {
        auto list = due(elapsed_);
        if (list.empty() || finished) return false;
        fire(list[pick % list.size()]);
        return true;
    }

    /// Several due at the same instant: which of `n` (0 = the first armed) fires first.
    std::function<std::size_t(std::size_t n)> pick_tie;

    std::size_t armed_timers() const {
        std::size_t n = 0;
        for (const auto& weak : timers_) {
            if (auto s = weak.lock(); s && s->armed) ++n;
        }
        return n;
    }

    // ------------------------------------------------------------ processes
    struct Process {
        std::vector<std::string> argv;
        bool logger = false;
        bool ignores_term = false;
        std::vector<int> signals;  ///< received, in order
    };

    Launched launch(const Launch& l) override {
        Launched out;
        if (l.probe) {
            // An exec health check: a process of its own group; it exits at once with
            // `probe_exit` (a wait status), or hangs when that is unset.
            if (fail_exec.contains((*l.argv)[0])) {
                out.program = (*l.argv)[0] + ": createProcess: posix_spawnp: does not exist";
                return out;
            }
            const pid_t pid = new_process(*l.argv, false);
            probe_pids.push_back(pid);
            if (probe_exit) {
                exit_statuses[pid] = *probe_exit;
                exit_now(pid);
            }
            out.program = pid;
            return out;
        }
        ++launches;
        if (l.logger_argv != nullptr) {
            if (fail_exec.contains((*l.logger_argv)[0])) {
                out.logger = (*l.logger_argv)[0] + ": createProcess: posix_spawnp: does not exist";
                return out;
            }
            out.logger = new_process(*l.logger_argv, true);
        }
        if (fail_exec.contains((*l.argv)[0])) {
            out.program = (*l.argv)[0] + ": createProcess: posix_spawnp: does not exist";
            return out;
        }
        out.program = new_process(*l.argv, false);
        launched_specs[std::get<pid_t>(out.program)] = *l.spec;
        if (on_launch) on_launch(std::get<pid_t>(out.program));
        if (l.serve != nullptr) {
            const pid_t pid = std::get<pid_t>(out.program);
            served_launches[pid] = ServedLaunch{l.serve->listen_fds, l.serve->fd_names, l.serve->ready};
            if (l.serve->ready.kind != ReadySpec::Kind::seconds) {
                auto state = std::make_shared<std::function<void(ReadyMessage)>>(l.serve->on_message);
                channels_[pid] = state;
                out.channel = std::make_unique<FakeWatch>(state);
            }
        }
        return out;
    }

    /// The instance `pid` says something on its readiness channel (if still watched).
    bool say(pid_t pid, ReadyMessage::Kind kind, std::string text = {}) {
        auto it = channels_.find(pid);
        if (it == channels_.end()) return false;
        auto callback = it->second.lock();
        if (!callback || !*callback) return false;
        (*callback)(ReadyMessage{kind, std::move(text)});
        if (auto_reap) deliver_exits();
        return true;
    }

    /// An http or tcp check: answered with `probe_answer` after the event that started
    /// it (never during probe()), or left hanging while that is unset.
    std::unique_ptr<Watch> probe(const CheckSpec& check, std::function<void(ProbeResult)> done) override {
        ++probes_started;
        probe_kinds.push_back(check.kind);
        auto state = std::make_shared<std::function<void(ProbeResult)>>(std::move(done));
        pending_probes_.push_back(state);
        return std::make_unique<FakeProbe>(state);
    }
    /// Answers the checks in flight with `result`; how many were answered.
    std::size_t answer_probes(const ProbeResult& result) {
        auto pending = std::move(pending_probes_);
        pending_probes_.clear();
        std::size_t n = 0;
        for (const auto& weak : pending) {
            auto callback = weak.lock();
            if (!callback || !*callback) continue;
            auto f = std::move(*callback);
            *callback = nullptr;
            f(result);
            ++n;
        }
        if (auto_reap) deliver_exits();
        return n;
    }

    std::optional<std::uint64_t> resident_bytes(pid_t pid) override {
        auto it = rss.find(pid);
        if (it == rss.end()) return std::nullopt;
        return it->second;
    }

    std::variant<int, std::string> listener(const ListenAddress& address, unsigned mode) override {
        if (unbindable.contains(address.text)) return "\"" + address.text + "\": bind: Permission denied";
        auto [it, fresh] = listeners.try_emplace(address.text, next_fd_);
        if (fresh) ++next_fd_;
        listener_modes[address.text] = mode;
        return it->second;
    }
    void keep_listeners(const std::vector<std::string>& in_use) override {
        for (auto it = listeners.begin(); it != listeners.end();) {
            if (std::find(in_use.begin(), in_use.end(), it->first) == in_use.end()) {
                closed_listeners.push_back(it->first);
                it = listeners.erase(it);
            } else {
                ++it;
            }
        }
    }

    void signal(pid_t pid, int sig) override {
        if (on_signal) on_signal(pid, sig);
        signals_sent.push_back({pid, sig});
        if (pid < 0) {  // a process group: its leader, if still alive (no other members here)
            if (auto p = live.find(-pid); p != live.end()) {
                p->second.signals.push_back(sig);
                if (sig == SIGKILL || (sig == SIGTERM && !p->second.ignores_term)) exit_now(-pid);
            }
            return;
        }
        auto p = live.find(pid);
        if (p == live.end()) {
            // A zombie takes a signal without effect; a reaped pid may be someone else's.
            if (std::find(exited_unreaped_.begin(), exited_unreaped_.end(), pid) != exited_unreaped_.end()) return;
            throw std::logic_error("signal to a pid that is not an unreaped child");
        }
        p->second.signals.push_back(sig);
        if (sig == SIGKILL || (sig == SIGTERM && !p->second.ignores_term)) exit_now(pid);
    }

    void reap_now() override { deliver_exits(); }
    bool exits_pending() const { return !exited_unreaped_.empty(); }

    /// The process exits now (by itself); angel learns it at the next delivery.
    void exit_now(pid_t pid) {
        if (live.erase(pid) > 0) exited_unreaped_.push_back(pid);
    }
    void deliver_exits() {
        while (!exited_unreaped_.empty() && supervisor != nullptr && !finished) {
            pid_t pid = exited_unreaped_.front();
            exited_unreaped_.erase(exited_unreaped_.begin());
            auto status = exit_statuses.find(pid);
            supervisor->on_child_exit(pid, status == exit_statuses.end() ? -1 : status->second);
        }
    }

    /// The live program pid of `id` (fails the test if there is none).
    pid_t pid_of(const std::string& id) const {
        const Instance* inst = supervisor->instance(id);
        if (inst == nullptr || inst->pid == 0) throw std::logic_error("no live child for " + id);
        return inst->pid;
    }

    /// The live pid of served `id`'s newest generation (fails the test if none).
    pid_t pid_of_served(const std::string& id) const {
        const Slot* slot = supervisor->slot(id);
        if (slot == nullptr || slot->generations.empty() || slot->generations.back()->pid == 0) {
            throw std::logic_error("no live served child for " + id);
        }
        return slot->generations.back()->pid;
    }

    // ------------------------------------------------------------ files and config
    std::optional<std::string> write_pidfile(const std::string& path, pid_t pid) override {
        if (unwritable.contains(path)) return path + ": openFile: permission denied (Permission denied)";
        files.insert(path);
        pidfiles_written.push_back({path, pid});
        return std::nullopt;
    }
    void remove_file(const std::string& path) override {
        files.erase(path);
        removed_files.push_back(path);
    }
    std::variant<ProgramSpecs, std::string> load_config() override {
        ++loads;
        if (auto* good = std::get_if<ProgramSpecs>(&config)) loaded = *good;
        return config;
    }

    // ------------------------------------------------------------ the log
    void log(Level level, std::string_view context, std::string_view message) override {
        std::string line = "{" + std::string(context) + "} " + std::string(message);
        if (throw_on_log && line.find(*throw_on_log) != std::string::npos) {
            throw_on_log.reset();  // once
            throw std::runtime_error("injected failure at: " + line);
        }
        if (static_cast<int>(level) <= verbosity) lines.push_back(stamp() + line);
    }
    void report_error(std::string_view text) override { lines.push_back(stamp() + "stderr: " + std::string(text)); }
    void finish() override { finished = true; }
    void notify(std::string_view state) override { notified.emplace_back(state); }

    /// The log from line `from` on, one line each, `T line` with T in seconds.
    std::string log_text(std::size_t from = 0) const {
        std::string out;
        for (std::size_t i = from; i < lines.size(); ++i) out += lines[i] + "\n";
        return out;
    }
    /// How many log lines contain `needle`.
    std::size_t count(std::string_view needle) const {
        return std::count_if(lines.begin(), lines.end(),
                             [&](const std::string& l) { return l.find(needle) != std::string::npos; });
    }

    // ------------------------------------------------------------ state
    struct ServedLaunch {
        std::vector<int> listen_fds;
        std::string fd_names;
        ReadySpec ready;
    };
    std::map<pid_t, ServedLaunch> served_launches;
    std::vector<std::string> notified;              ///< sd_notify states, in order
    std::map<pid_t, std::uint64_t> rss;             ///< resident bytes, by pid
    std::map<std::string, int> listeners;           ///< open listening sockets, by address
    std::map<std::string, unsigned> listener_modes;
    std::vector<std::string> closed_listeners;
    std::set<std::string> unbindable;               ///< addresses whose bind fails
    Supervisor* supervisor = nullptr;
    std::variant<ProgramSpecs, std::string> config = ProgramSpecs{};
    std::map<pid_t, Process> live;
    std::vector<std::pair<pid_t, int>> signals_sent;
    std::map<pid_t, int> exit_statuses;  ///< wait statuses to report, by pid (else unknown)
    std::optional<ProbeResult> probe_answer;  ///< http/tcp checks' answer; nullopt: they hang
    std::optional<int> probe_exit;            ///< exec checks' wait status; nullopt: they hang
    std::vector<pid_t> probe_pids;            ///< exec checks started, in order
    std::vector<CheckSpec::Kind> probe_kinds; ///< http/tcp checks started, in order
    int probes_started = 0;
    std::set<std::string> fail_exec;   ///< argv[0]s that fail to start
    std::set<std::string> unwritable;  ///< pidfile paths that cannot be written
    std::set<std::string> files;       ///< pidfiles present
    std::vector<std::string> removed_files;
    std::optional<std::string> throw_on_log;  ///< the next log line containing it throws
    std::vector<std::string> lines;
    // What a model checker judges from: the spec each program pid was launched with,
    // the pidfiles written (a served instance's is written when it is ready, with its
    // pid), the last config that loaded, and hooks called before a signal's effect and
    // after a program's launch.
    std::map<pid_t, ProgramSpec> launched_specs;
    std::vector<std::pair<std::string, pid_t>> pidfiles_written;
    std::optional<ProgramSpecs> loaded;
    std::function<void(pid_t, int)> on_signal;
    std::function<void(pid_t)> on_launch;
    /// Off: exits wait for deliver_exits() or the engine's reap_now() (a model checker
    /// delivers SIGCHLD as an event of its own); on: after every timer and message.
    bool auto_reap = true;
    int verbosity = 2;
    int launches = 0;
    int loads = 0;
    bool finished = false;

private:
    struct TimerState {
        std::function<void()> on_fire;
        std::chrono::milliseconds deadline{0};
        std::uint64_t sequence = 0;
        bool armed = false;
    };

    class FakeTimer final : public Timer {
    public:
        FakeTimer(FakeWorld& world, std::shared_ptr<TimerState> state) : world_(world), state_(std::move(state)) {}
        ~FakeTimer() override { state_->armed = false; }
        void arm(std::chrono::milliseconds after) override {
            state_->deadline = world_.elapsed_ + after;
            state_->sequence = ++world_.sequence_;
            state_->armed = true;
        }
        void cancel() override { state_->armed = false; }
        bool armed() const override { return state_->armed; }

    private:
        FakeWorld& world_;
        std::shared_ptr<TimerState> state_;
    };

    class FakeWatch final : public Watch {
    public:
        explicit FakeWatch(std::shared_ptr<std::function<void(ReadyMessage)>> state) : state_(std::move(state)) {}
        ~FakeWatch() override { *state_ = nullptr; }  // no message after the watch is gone

    private:
        std::shared_ptr<std::function<void(ReadyMessage)>> state_;
    };

    class FakeProbe final : public Watch {
    public:
        explicit FakeProbe(std::shared_ptr<std::function<void(ProbeResult)>> state) : state_(std::move(state)) {}
        ~FakeProbe() override { *state_ = nullptr; }  // abandoned: never answered

    private:
        std::shared_ptr<std::function<void(ProbeResult)>> state_;
    };
    std::vector<std::weak_ptr<std::function<void(ProbeResult)>>> pending_probes_;

    /// The armed timers due by `until`, earliest first, ties in arming order.
    std::vector<std::shared_ptr<TimerState>> due(std::chrono::milliseconds until) const {
        std::vector<std::shared_ptr<TimerState>> out;
        for (const auto& weak : timers_) {
            if (auto state = weak.lock(); state && state->armed && state->deadline <= until) out.push_back(state);
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return a->deadline < b->deadline || (a->deadline == b->deadline && a->sequence < b->sequence);
        });
        return out;
    }

    void fire(const std::shared_ptr<TimerState>& state) {
        elapsed_ = std::max(elapsed_, state->deadline);
        state->armed = false;
        state->on_fire();  // `state` keeps the callback alive, whatever it destroys
        if (auto_reap) deliver_exits();
        if (probe_answer && !pending_probes_.empty()) answer_probes(*probe_answer);
    }

    /// Fires the timers due by `until` (or before it, if not `inclusive`), each at its
    /// own instant; ties as pick_tie chooses.
    void run_timers(std::chrono::milliseconds until, bool inclusive) {
        if (auto_reap) deliver_exits();
        while (!finished) {  // after finish() the loop has stopped: nothing more runs
            std::erase_if(timers_, [](const auto& weak) { return weak.expired(); });
            auto list = due(inclusive ? until : until - std::chrono::milliseconds(1));
            if (list.empty()) break;
            std::size_t ties = 1;
            while (ties < list.size() && list[ties]->deadline == list[0]->deadline) ++ties;
            fire(list[ties > 1 && pick_tie ? pick_tie(ties) % ties : 0]);
        }
        elapsed_ = until;
    }

    pid_t new_process(const std::vector<std::string>& argv, bool logger) {
        const pid_t pid = next_pid_++;
        live[pid] = Process{argv, logger, ignore_term_for.contains(argv[0]), {}};
        return pid;
    }

    std::string stamp() const {
        std::ostringstream os;
        os << seconds() << " ";
        return os.str();
    }

    Clock::time_point start_{};
    std::chrono::milliseconds elapsed_{0};
    std::vector<std::weak_ptr<TimerState>> timers_;
    std::uint64_t sequence_ = 0;
    std::vector<pid_t> exited_unreaped_;
    pid_t next_pid_ = 100;
    int next_fd_ = 50;
    std::map<pid_t, std::weak_ptr<std::function<void(ReadyMessage)>>> channels_;

public:
    std::set<std::string> ignore_term_for;  ///< argv[0]s whose processes ignore SIGTERM
};

/// A program spec: `id` runs `exec`.
inline ProgramSpec program(const std::string& id, const std::string& exec = "sleep 100") {
    ProgramSpec s;
    s.id = id;
    s.exec = exec;
    return s;
}

inline ProgramSpecs specs(std::initializer_list<ProgramSpec> list) {
    ProgramSpecs out;
    for (const ProgramSpec& s : list) out[s.id] = s;
    return out;
}

/// A world and an engine on it.
struct Rig {
    FakeWorld world;
    Supervisor engine{world};
    Rig() { world.supervisor = &engine; }
    explicit Rig(ProgramSpecs config) : Rig() { world.config = std::move(config); }

    /// Edits the config and sends a HUP; returns the number of log lines before it.
    std::size_t reload(std::variant<ProgramSpecs, std::string> config) {
        world.config = std::move(config);
        const std::size_t mark = world.lines.size();
        engine.on_hup();
        return mark;
    }
};

/// The child of `id` exits by itself with `status` (a wait status), now.
inline void exits(Rig& rig, const std::string& id, int wait_status) {
    const pid_t pid = rig.world.pid_of(id);
    rig.world.exit_statuses[pid] = wait_status;
    rig.world.exit_now(pid);
    rig.world.deliver_exits();
}

}  // namespace angel::test
