// The daemon: start-up (spec 2.1), then one io_context that turns signals, child
// exits and timers into the engine's events.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include "configurator/value.hpp"
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/loop/asio_effects.hpp"
#include "supervisor/loop/control_server.hpp"
#include "supervisor/loop/metrics_file.hpp"
#include "supervisor/loop/metrics_server.hpp"
#include "supervisor/loop/metrics_snapshot.hpp"
#include "supervisor/os/own_pidfile.hpp"
#include "supervisor/text/cli.hpp"
#include "supervisor/text/log.hpp"

namespace angel {

class Daemon {
public:
    Daemon(boost::asio::io_context& io, Options options);
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;
    ~Daemon();  ///< a control socket bound by a start-up that then failed: its file goes

    /// Start-up, then the event loop; returns the exit status: 1 for a fatal
    /// start-up error, 0 after a TERM/INT shutdown, a `critical` program's status after its end.
    int run();

private:
    bool start_up();
    /// The top-level `metrics` and `metricsfile` (opt-in): the endpoint bound now (while
    /// angel may be root), both started later by start_metrics. False: a fatal error.
    bool open_metrics(const configurator::Map& map);
    void start_metrics();
    void do_await_signal();
    void do_await_child();
    void reap_children();
    /// An output's epoll instance (readable while the output is writable) and whether
    /// the loop waits on it.
    struct OutputWatch {
        explicit OutputWatch(boost::asio::io_context& io) : epoll(io) {}
        boost::asio::posix::stream_descriptor epoll;
        bool pollable = false;  ///< the output is in it (a pipe, socket or terminal)
        bool waiting = false;
    };
    void watch_output(Output output);  ///< records wait for a full output: write them when it drains
    OutputWatch& watch_of(Output output) { return output == Output::log ? stdout_watch_ : stderr_watch_; }

    boost::asio::io_context& io_;
    Options options_;
    boost::asio::signal_set control_signals_;  ///< HUP, TERM, INT
    boost::asio::posix::stream_descriptor child_signal_;  ///< CHLD, through a signalfd
    OutputWatch stdout_watch_;  ///< waited on when log records wait
    OutputWatch stderr_watch_;  ///< waited on when error lines wait
    OwnPidfile own_pidfile_;  ///< the top-level `pidfile`, if any; removed at exit
    std::optional<ListenSocket> control_socket_;  ///< bound at start-up, before the user switch
    AsioEffects effects_;
    Supervisor supervisor_;
    std::unique_ptr<ControlServer> control_;  ///< the top-level `control`, if any (after supervisor_: it uses it)
    ClockAnchor start_;                            ///< when angel started, for metrics
    std::optional<ListenSocket> metrics_socket_;   ///< bound at start-up, before the user switch
    std::optional<std::string> metrics_path_;      ///< the top-level `metricsfile`
    std::unique_ptr<MetricsServer> metrics_server_;
    std::unique_ptr<MetricsFile> metrics_file_;
};

}  // namespace angel
