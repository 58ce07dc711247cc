// The supervisor engine: the desired set, the running set of instances, the pid
// index, the scheduler and the sync in progress. Every handler runs on the loop's
// one thread; every effect goes through Effects.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "supervisor/decide/reconcile.hpp"
#include "supervisor/decide/scheduler.hpp"
#include "supervisor/engine/counters.hpp"
#include "supervisor/engine/effects.hpp"
#include "supervisor/engine/instance.hpp"
#include "supervisor/engine/served.hpp"
#include "supervisor/engine/served_block.hpp"
#include "supervisor/engine/status.hpp"
#include "supervisor/engine/stop_run.hpp"

namespace angel {

/// What a restart, stop or start waits for: its id's progress counters when it was asked.
struct RequestToken {
    enum class Ask : std::uint8_t { restart, stop, start };
    std::string id;
    Ask ask = Ask::restart;
    bool served = false;
    std::uint64_t starts = 0;
    std::uint64_t start_failures = 0;
    std::uint64_t promotions = 0;
};

/// How a waited-for request ended: success, and the line to show.
struct RequestOutcome {
    bool ok = true;
    std::string text;
};

/// Who a live, unreaped child is. Written at spawn, erased at reap, nowhere else.
struct ChildRef {
    enum class Role { program, logger, probe } role = Role::program;  ///< probe: an exec health check
    std::string id;
    std::uint64_t generation = 0;
};

class Supervisor {
public:
    explicit Supervisor(Effects& effects);
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Events from the loop. A handler that throws leaves a consistent state behind:
    // the exception goes on to the loop (which reports it), and supervision goes on.
    void start();                  ///< arm the poll, then the first load and sync
    void on_hup();                 ///< SIGHUP
    void on_shutdown_signal();     ///< SIGTERM, SIGINT
    void on_child_exit(pid_t pid, int wait_status = -1); ///< a child was reaped

    // The control socket's requests (control_requests.cpp); none blocks or waits.
    /// Called after every event the engine handled: waiting requests look again.
    void set_observer(std::function<void()> observer);
    /// The ids `names` stand for (an id, or a block's name with `count`; none: all),
    /// sorted; or the error for the first name that is none.
    std::variant<std::vector<std::string>, std::string> match_ids(const std::vector<std::string>& names) const;
    std::vector<InstanceStatus> status(const std::vector<std::string>& ids) const;
    /// Begins a restart: start-first for a served program, else TERM (termgrace) and a
    /// start without the delay. The token, or why it cannot begin.
    std::variant<RequestToken, std::string> restart(const std::string& id);
    /// angelctl stop: the kill of a removal, then held down (`stopped`) until angelctl start;
    /// served programs: every instance of the slot. The token, or the answer at once (a
    /// refusal, or nothing to do).
    std::variant<RequestToken, RequestOutcome> stop_program(const std::string& id);
    /// angelctl start: a stopped program, or an ended one-shot, starts with its desired spec.
    std::variant<RequestToken, RequestOutcome> start_program(const std::string& id);
    std::optional<RequestOutcome> request_outcome(const RequestToken& token) const;  ///< none: under way
    /// angelctl stop holds it down (stopped, or its stop under way).
    bool is_held(const std::string& id) const;
    std::size_t send_signal(const std::vector<std::string>& ids, int sig);  ///< children signalled
    /// As a HUP; the number of the reload to wait for, or why not.
    std::variant<std::uint64_t, std::string> request_reload();
    std::optional<RequestOutcome> reload_outcome(std::uint64_t wanted) const;  ///< none: under way
    bool shutting_down() const { return scheduler_.shutdown_requested(); }
    /// angel's exit status once the loop is over: 0, or a `critical` program's (its exit
    /// status, 128 + the signal that killed it, 1 for a failed start).
    int exit_status() const { return critical_ ? critical_->code : 0; }

    // What it holds, for tests and (later) status.
    Phase phase() const { return scheduler_.phase(); }
    const ProgramSpecs& desired() const { return desired_; }
    const Instance* instance(const std::string& id) const;
    std::size_t instance_count() const { return instances_.size(); }
    std::size_t child_count() const { return children_.size(); }
    const std::unordered_map<pid_t, ChildRef>& children() const { return children_; }
    const StopRun* sync_stop() const;  ///< the kill the sync in progress waits on, if any
    const Slot* slot(const std::string& id) const;  ///< a served program's slot, if any
    std::size_t slot_count() const { return served_.size(); }
    const ServedBlock* block(const std::string& name) const;  ///< a served program block, if any
    std::size_t impossible_events() const { return impossible_events_; }

    // What metrics show (counters.hpp): loads, rollouts, served blocks.
    const Counters& counters() const { return counters_; }
    /// The program block an id came from (`web` for web-1 of a `count`); the id if unknown.
    std::string block_of(const std::string& id) const;
    /// Served blocks, each with whether a rollout is under way.
    std::map<std::string, bool> served_blocks() const;
    /// Called after each config load (good or bad) is over: `metricsfile` is written again.
    void set_load_observer(std::function<void()> observer) { load_observer_ = std::move(observer); }

private:
    friend class StopRun;
    friend class ServedBlock;

    /// The sync in progress (spec 7.1): its kills in id order, one at a time (D10).
    struct SyncRun {
        std::vector<Decision> kills;
        std::vector<std::string> starts;
        std::size_t next_kill = 0;
        std::unique_ptr<StopRun> active;  ///< the kill being carried out
    };

    // supervisor.cpp: scheduling, loading, recovery after a throwing handler.
    void guarded(const std::function<void()>& handler);
    void recover();
    void pump();
    void begin_work(Work work);
    void finish_work();
    void finish_shutdown();
    /// The shutdown of a TERM, logged with `line` first (the TERM line, or critical's).
    void begin_shutdown(Level level, const std::string& line);
    /// The outermost event is over: held starts that may go now go, and a `critical`
    /// program's end begins the shutdown.
    void settle();
    void load_and_sync();
    void arm_poll();

    // sync_run.cpp: the sync step and its kill queue.
    void sync();
    void advance_sync();
    void end_sync();
    Instance* find(const std::string& id);
    Instance& new_instance(const std::string& id);  ///< a fresh entry (absent) for id, replacing any
    void stop_signal(const std::string& id, pid_t pid, int sig, bool group = false);
    void stop_hard_killed(const std::string& id, pid_t pid);

    // instance_events.cpp: the instance table, carried out.
    Instance& instance_for_start(const std::string& id);
    void dispatch(Instance& instance, InstanceEvent event, std::string text = {});
    struct Outcome {
        InstanceEvent event;
        std::string text;
    };
    Outcome spawn_generation(Instance& instance);
    bool start_own_stop(Instance& instance);
    void start_hold_stop(Instance& instance);
    void arm_delay(Instance& instance, std::int64_t seconds);
    void on_delay_elapsed(const std::string& id);

    // after_holds.cpp: `after`, carried out.
    bool runs(const std::string& id) const;  ///< runs (and is ready): what `after` waits for
    std::vector<std::string> waiting_of(const std::string& id) const;  ///< what its `after` waits for now
    bool is_pending(const std::string& id) const;  ///< `after` holds its start (plain or served)
    void start_new(const std::string& id);  ///< a new plain id: START, or held (pending)
    bool hold_served(const std::string& id);  ///< a new served id: true while held
    void await(const std::vector<std::string>& waiting);  ///< held ones wait for these ids
    void began_to_run(const std::string& id);  ///< it runs now (running, done, serving)
    void release_pending();
    void order_starts(std::vector<std::string>& starts) const;
    void order_stops(std::vector<Decision>& kills) const;

    // spawn_child.cpp: the one spawn path of plain instances and served generations.
    struct Spawned {
        std::uint64_t generation = 0;
        pid_t pid = 0;         ///< 0: not started (see error)
        pid_t logger_pid = 0;  ///< 0: none started
        std::unique_ptr<Watch> channel;
        std::optional<std::string> error;  ///< the stderr text of a failed start
    };
    /// `generation`: the number the pid index will name it by (taken by the caller).
    Spawned spawn_child(const std::string& id, const ProgramSpec& spec, std::uint64_t generation,
                        const ServeLaunch* serve);
    /// A table was asked for a cell it does not have: one log line, counted, not acted on.
    void internal_error(const std::string& id, std::string_view table, std::string_view event, std::string_view state);

    // stop_start.cpp: angelctl stop and start.
    RequestToken token_for(const std::string& id, RequestToken::Ask ask);
    std::optional<RequestOutcome> stop_outcome(const RequestToken& token) const;
    // health_checks.cpp: `check`, run on the loop for plain instances and served generations.
    struct HealthRef {
        Health* health = nullptr;  ///< null: that instance or generation is gone or not checked
        const ProgramSpec* spec = nullptr;
    };
    HealthRef health_of(const std::string& id, std::uint64_t generation);
    /// Arms the first check of a fresh Health in `holder`.
    void start_health(std::unique_ptr<Health>& holder, const std::string& id, std::uint64_t generation,
                      const CheckSpec& check, bool served);
    void on_check_due(const std::string& id, std::uint64_t generation);
    void begin_check(Health& health, const std::string& id, std::uint64_t generation, const ProgramSpec& spec);
    void end_check(const std::string& id, std::uint64_t generation, ProbeResult result);
    void on_probe_exit(const ChildRef& child, pid_t pid, int wait_status);
    /// TERM (stopsignal, termgrace) to a plain instance's child; its exit starts it
    /// again at once (angelctl restart; failed checks, under maxdelay's back-off).
    void restart_child(Instance& instance, bool unhealthy);

    // served_routes.cpp: served programs' events, routed to their block (served_block.cpp).
    void sync_served(const std::vector<std::string>& starts);
    void route_slot(const std::string& id, const std::function<void(ServedBlock&, Slot&)>& handler);
    void route_block(const std::string& name, const std::function<void(ServedBlock&)>& handler);
    void sweep_blocks();
    void update_listeners();

    Effects& fx_;
    Scheduler scheduler_;
    Work current_ = Work::none;  ///< the work in progress
    bool pumping_ = false;
    ProgramSpecs desired_;                                        ///< last good config
    std::map<std::string, std::unique_ptr<Instance>> instances_;  ///< the running set
    std::unordered_map<pid_t, ChildRef> children_;                ///< live, unreaped children
    std::map<std::string, std::unique_ptr<ServedBlock>> blocks_;  ///< served program blocks, by name
    std::map<std::string, Slot*> served_;                         ///< their slots, by id (owned by a block)
    std::size_t served_graces_ = 0;  ///< served StopRuns waiting on their grace timer
    bool final_pending_ = false;     ///< the final sync is over; served graces still run
    std::uint64_t loads_ = 1;        ///< successful config loads (and shutdown's clearing)
    std::unique_ptr<Timer> poll_timer_;                           ///< the 10-second sync
    std::optional<SyncRun> sync_;
    std::uint64_t next_generation_ = 1;
    std::size_t impossible_events_ = 0;

    // control_requests.cpp: what requests report and wait on.
    std::unordered_map<std::string, History> history_;  ///< by id; pruned at each sync
    std::function<void()> observer_;
    int guard_depth_ = 0;
    std::uint64_t reloads_begun_ = 0;
    std::uint64_t reloads_finished_ = 0;
    RequestOutcome work_outcome_;  ///< of the load and sync in progress
    RequestOutcome last_reload_;

    Counters counters_;
    std::function<void()> load_observer_;

    /// `critical`: the program whose end for good ends angel, and angel's exit status.
    struct CriticalEnd {
        std::string id;
        int code = 0;
        bool begun = false;  ///< its shutdown has begun
    };
    std::optional<CriticalEnd> critical_;
    std::set<std::string> pending_;       ///< `after`: ids held (lazily pruned)
    std::set<std::string> held_served_;   ///< ... of them, the served ones (no slot yet)
    /// What the held ones wait for (a superset: rebuilt by each look at them). Only when
    /// one of these begins to run, or a sync may have changed the config, is it worth
    /// looking at the held ones again: not at every event, whatever else runs.
    std::set<std::string> awaited_;
    bool look_at_pending_ = false;
};

}  // namespace angel
