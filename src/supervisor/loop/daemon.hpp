// The daemon: one io_context owning every program, signal, timer and child.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "supervisor/text/cli.hpp"
#include "supervisor/os/files.hpp"
#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// One running-set entry: a program between its START and its end (QUIT or a spawn
/// failure). Its spec is the one read at the last START (spec section 6).
struct Program {
    enum class State {
        running,  ///< a live child (and maybe a logger)
        killed,   ///< its child got SIGKILL and is dying: no later sync kills it again
        waiting,  ///< child ended; the delay timer will RESTART it
        failing,  ///< pidfile write failed; its kill sequence runs, then the entry ends
    };

    explicit Program(boost::asio::io_context& io) : delay_timer(io) {}

    ProgramSpec spec;                        ///< spec read at the last START
    State state = State::waiting;            ///< no live child until a spawn succeeds
    pid_t pid = 0;                           ///< live program child, 0 if none
    pid_t logger_pid = 0;                    ///< live logger child, 0 if none
    boost::asio::steady_timer delay_timer;   ///< WAITING -> RESTART
};

/// A child's stdout and stderr (err unset: both go to out, the logger's pipe).
struct ChildStreams {
    Fd out;
    Fd err;
};

/// What a sync's kill needs, captured when the sync decides (spec 7.1 step 3).
struct KillTarget {
    std::string id;
    pid_t pid = 0;
    pid_t logger_pid = 0;
    bool has_logger = false;
    std::optional<std::int64_t> termgrace;
    std::optional<std::string> pidfile;
};

/// The supervisor daemon. Everything happens on one thread, inside io.run().
class Daemon {
public:
    Daemon(boost::asio::io_context& io, Options options);
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    /// Start-up (spec 2.1), then the event loop; returns the exit status: 1 for a fatal
    /// start-up error, 0 after a TERM/INT shutdown.
    int run();

private:
    /// Who a live child pid belongs to.
    struct ChildOwner {
        enum class Role { program, logger, orphan } role;
        std::string id;
    };

    // daemon.cpp: start-up, signals, config loads, the queue of syncs, shutdown.
    bool start_up();
    void do_await_signal();
    void do_await_child();
    void arm_poll();
    void on_hup();
    void on_shutdown_signal();
    void pump();
    void load_and_sync(std::function<void()> done);
    void reap_children();

    // sync.cpp: the sync step and kill sequences (spec 7.1, 7.7).
    void sync(std::function<void()> done);
    void run_kills(std::shared_ptr<std::vector<KillTarget>> targets, std::size_t next,
                   std::function<void()> done);
    void kill_sequence(const KillTarget& target, std::function<void()> done);
    void grace_kill(const std::string& id, pid_t pid, std::int64_t grace, std::function<void()> done);
    void soft_kill(const KillTarget& target);
    void send_signal(pid_t pid, const std::string& id, int sig);

    // program.cpp: one program's lifecycle (spec section 6).
    void start_program(const std::string& id);
    void begin_iteration(const std::string& id);
    bool spawn_iteration(const std::string& id, Program& program);
    std::optional<ChildStreams> open_streams(const std::string& id, Program& program);
    void on_pidfile_failed(const std::string& id, Program& program, const std::string& text);
    void on_child_exit(pid_t pid);
    void on_program_ended(const std::string& id, Program& program);
    void end_entry(const std::string& id);

    boost::asio::io_context& io_;
    Options options_;
    boost::asio::signal_set control_signals_;  ///< HUP, TERM, INT
    boost::asio::signal_set child_signal_;     ///< CHLD
    boost::asio::steady_timer poll_timer_;     ///< the 10-second sync

    ProgramSpecs desired_;                                 ///< last good config
    std::map<std::string, std::unique_ptr<Program>> running_;  ///< the running set
    std::unordered_map<pid_t, ChildOwner> children_;        ///< live, unreaped children

    bool busy_ = false;               ///< a load or sync is in progress (one at a time)
    bool reload_requested_ = false;   ///< HUPs coalesce into one reload
    bool tick_requested_ = false;     ///< the poll timer fired
    bool shutdown_requested_ = false; ///< TERM/INT seen; HUP is ignored from then on
    bool shutdown_started_ = false;
};

}  // namespace angel
