// The daemon: start-up, signals and reaping on the loop, and a loop that no
// exception ends.
#include "supervisor/loop/daemon.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <exception>
#include <system_error>
#include <variant>

#include "supervisor/os/config_file.hpp"
#include "supervisor/os/control_socket.hpp"
#include "supervisor/loop/metrics_snapshot.hpp"
#include "supervisor/os/process_signals.hpp"
#include "supervisor/os/spawn.hpp"
#include "supervisor/os/user_switch.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {

Daemon::Daemon(boost::asio::io_context& io, Options options)
    : io_(io),
      options_(std::move(options)),
      // Handlers go in before anything else happens, so that a signal during
      // start-up is queued instead of killing angel (defect D15, fixed).
      control_signals_(io, SIGHUP, SIGTERM, SIGINT),
      child_signal_(io),
      stdout_watch_(io),
      stderr_watch_(io),
      effects_(io, options_.config_file, [this] { reap_children(); }),
      supervisor_(effects_),
      start_{unix_seconds_now(), Clock::now()} {
    const int child_fd = open_child_signal_fd();
    if (child_fd < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
    child_signal_.assign(child_fd);
    ignore_process_signals();
    unblock_handled_signals();
    note_signal_dispositions();  // children put back exactly these
    for (Output output : {Output::log, Output::errors}) {
        // Asio would make a descriptor it waits on non-blocking, and stdout's and
        // stderr's file descriptions are shared (a `cat` logger, the shell): so Asio
        // waits on an epoll instance of our own, readable while the output is writable.
        // Made now, not when the output first fills (descriptors may have run out by
        // then: exactly when stderr has most to say).
        const int ep = ::epoll_create1(EPOLL_CLOEXEC);
        if (ep < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
        OutputWatch& watch = watch_of(output);
        watch.epoll.assign(ep);
        epoll_event writable{};
        writable.events = EPOLLOUT;
        // A regular file or /dev/null cannot be waited on, and never needs to be: a write
        // to it does not wait for a reader, so no backlog forms.
        watch.pollable = ::epoll_ctl(ep, EPOLL_CTL_ADD, output_fd(output), &writable) == 0;
        set_output_backlog_handler(output, [this, output] { watch_output(output); });
    }
}

Daemon::~Daemon() {
    // main writes what still waits, at exit
    for (Output output : {Output::log, Output::errors}) set_output_backlog_handler(output, nullptr);
    if (control_socket_) close_listen_socket(*control_socket_);
    if (metrics_socket_) close_listen_socket(*metrics_socket_);
}

int Daemon::run() {
    if (!start_up()) return 1;
    do_await_signal();
    do_await_child();
    // Nothing that goes wrong inside one handler may end supervision: the engine
    // restores its invariants, the error is reported, the loop goes on.
    bool started = false;
    while (true) {
        try {
            if (!started) {
                started = true;
                supervisor_.start();
            }
            io_.run();
            // After "That's all folks!": 0 as the original, or a `critical` program's status.
            return supervisor_.exit_status();
        } catch (const std::exception& e) {
            report_error(e.what());
        } catch (...) {
            report_error("unknown exception");
        }
    }
}

bool Daemon::start_up() {
    log(Level::v2, msg::ctx_main, msg::angel_started);
    std::optional<std::string> user = options_.user;
    std::optional<std::variant<std::string, std::string>> pidfile;
    std::optional<std::variant<std::string, std::string>> control;
    // The config is read once, here: its map gives `user`, the pidfile and the control
    // socket, and its specs the prebinding and the first load (a file replaced meanwhile
    // cannot make them disagree; a FIFO written once is enough).
    auto map = read_config_map(options_.config_file);
    if (auto* m = std::get_if<configurator::Map>(&map)) {
        if (!user) user = top_level_user(*m);
        pidfile = top_level_path(*m, "pidfile");
        control = top_level_path(*m, "control");
        if (!open_metrics(*m)) return false;
    } else if (!user) {
        // Without -u the config is read for its top-level `user`: any error is fatal. With
        // -u, it is the first load's to report.
        report_error(std::get<std::string>(map));
        return false;
    }
    auto specs = program_specs_of(map);
    map = std::string();  // the map is no longer needed: only its specs
    // angel's own pidfile (opt-in), written while angel may still be root (/run).
    if (pidfile) {
        if (pidfile->index() == 1) {
            report_error(std::get<1>(*pidfile));
            return false;
        }
        if (auto error = own_pidfile_.acquire(std::get<0>(*pidfile))) {
            report_error(*error);
            return false;
        }
    }
    // The control socket (opt-in), bound while angel may still be root (/run/angel) and
    // given to the user it becomes.
    if (control) {
        if (control->index() == 1) {
            report_error(std::get<1>(*control));
            return false;
        }
        auto opened = open_control_socket(std::get<0>(*control), user);
        if (auto* error = std::get_if<std::string>(&opened)) {
            report_error(*error);
            return false;
        }
        control_socket_ = std::move(std::get<ListenSocket>(opened));
    }
    if (user) {
        log(Level::v2, msg::ctx_main, std::string(msg::running_as_user) + *user);
        // Served programs' addresses are bound while angel is still root (port 80); a
        // config error is the first load's to report.
        if (auto* s = std::get_if<ProgramSpecs>(&specs)) effects_.prebind(*s);
        if (auto error = switch_user(*user)) {
            report_error(*error);
            return false;
        }
    }
    if (control_socket_) {
        control_ = std::make_unique<ControlServer>(io_, supervisor_, std::move(*control_socket_), ::geteuid());
        control_socket_.reset();
        control_->start();
    }
    start_metrics();
    log(Level::v2, msg::ctx_main, std::string(msg::using_config_file) + options_.config_file);
    effects_.preload(std::move(specs));
    return true;
}

bool Daemon::open_metrics(const configurator::Map& map) {
    if (auto file = top_level_metricsfile(map)) {
        if (file->index() == 1) {
            report_error(std::get<1>(*file));
            return false;
        }
        metrics_path_ = std::get<0>(*file);
    }
    auto address = top_level_metrics(map);
    if (!address) return true;
    if (address->index() == 1) {
        report_error(std::get<1>(*address));
        return false;
    }
    // A unix socket is mode 0666: as readable as a loopback port, by every local user.
    auto opened = open_listen_socket(std::get<ListenAddress>(*address), 0666);
    if (auto* error = std::get_if<std::string>(&opened)) {
        report_error("metrics: " + *error);
        return false;
    }
    metrics_socket_ = std::move(std::get<ListenSocket>(opened));
    return true;
}

void Daemon::start_metrics() {
    auto render = [this] { return scrape_metrics(supervisor_, start_); };
    if (control_) control_->set_metrics(render);
    if (metrics_socket_) {
        metrics_server_ = std::make_unique<MetricsServer>(io_, std::move(*metrics_socket_), render);
        metrics_socket_.reset();
        metrics_server_->start();
    }
    if (metrics_path_) {
        metrics_file_ = std::make_unique<MetricsFile>(io_, *metrics_path_, render);
        supervisor_.set_load_observer([this] { metrics_file_->write(); });
        metrics_file_->start();
    }
}

void Daemon::do_await_signal() {
    control_signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        do_await_signal();  // first: a throwing handler must not end the waiting
        if (sig == SIGHUP) {
            supervisor_.on_hup();
        } else {
            supervisor_.on_shutdown_signal();
        }
    });
}

void Daemon::watch_output(Output output) {
    OutputWatch& watch = watch_of(output);
    if (watch.waiting || !watch.pollable) return;
    watch.waiting = true;
    watch.epoll.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [this, output](const boost::system::error_code& ec) {
                               watch_of(output).waiting = false;
                               if (ec) return;
                               if (flush_output_backlog(output)) watch_output(output);
                           });
}

void Daemon::do_await_child() {
    child_signal_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                             [this](const boost::system::error_code& ec) {
                                 if (ec) return;
                                 drain_child_signal_fd(child_signal_.native_handle());
                                 do_await_child();
                                 reap_children();
                             });
}

void Daemon::reap_children() {
    // One SIGCHLD may stand for many exits: reap until nothing is left. Each exit is
    // handled in its own guard: a throw while handling one is reported as the loop
    // reports one, and the children after it are still reaped now, not at the next tick.
    while (true) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            try {
                supervisor_.on_child_exit(pid, status);
            } catch (const std::exception& e) {
                report_error(e.what());
            } catch (...) {
                report_error("unknown exception");
            }
        } else if (pid < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
}

}  // namespace angel
