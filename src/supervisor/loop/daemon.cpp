// The daemon: start-up, signals, config loads, the one-at-a-time queue of syncs, shutdown.
#include "supervisor/loop/daemon.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <exception>
#include <variant>

#include "configurator/load.hpp"
#include "supervisor/spec/build_specs.hpp"
#include "supervisor/os/password_database.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/text/messages.hpp"
#include "supervisor/os/process_signals.hpp"
#include "supervisor/os/user_switch.hpp"

namespace angel {
namespace {

constexpr auto kPollInterval = std::chrono::seconds(10);

}  // namespace

Daemon::Daemon(boost::asio::io_context& io, Options options)
    : io_(io),
      options_(std::move(options)),
      // Handlers go in before anything else happens, so that a signal during
      // start-up is queued instead of killing angel (defect D15, fixed).
      control_signals_(io, SIGHUP, SIGTERM, SIGINT),
      child_signal_(io, SIGCHLD),
      poll_timer_(io) {
    ignore_process_signals();
    unblock_handled_signals();
}

int Daemon::run() {
    if (!start_up()) return 1;
    do_await_signal();
    do_await_child();
    arm_poll();  // the poll loop starts just before the first load
    busy_ = true;
    load_and_sync([this] {
        busy_ = false;
        pump();
    });
    // Nothing that goes wrong inside one handler may end supervision: report it and
    // go on with the next event.
    while (true) {
        try {
            io_.run();
            return 0;  // after "That's all folks!", as the original
        } catch (const std::exception& e) {
            report_error(e.what());
        }
    }
}

bool Daemon::start_up() {
    log(Level::v2, msg::ctx_main, msg::angel_started);
    std::optional<std::string> user = options_.user;
    if (!user) {
        // Without -u the config is read now for its top-level `user`; any error is fatal.
        auto loaded = configurator::load(options_.config_file);
        if (auto* error = std::get_if<configurator::LoadError>(&loaded)) {
            report_error(error->text);
            return false;
        }
        const auto& map = std::get<configurator::Map>(loaded);
        if (auto it = map.find("user"); it != map.end() && it->second.is_string()) user = it->second.as_string();
    }
    if (user) {
        log(Level::v2, msg::ctx_main, std::string(msg::running_as_user) + *user);
        if (auto error = switch_user(*user)) {
            report_error(*error);
            return false;
        }
    }
    log(Level::v2, msg::ctx_main, std::string(msg::using_config_file) + options_.config_file);
    return true;
}

void Daemon::do_await_signal() {
    control_signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
            on_hup();
        } else {
            on_shutdown_signal();
        }
        do_await_signal();
    });
}

void Daemon::do_await_child() {
    child_signal_.async_wait([this](const boost::system::error_code& ec, int) {
        if (ec) return;
        reap_children();
        do_await_child();
    });
}

void Daemon::reap_children() {
    // One SIGCHLD may stand for many exits: reap until nothing is left.
    while (true) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            on_child_exit(pid);
        } else if (pid < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
}

void Daemon::arm_poll() {
    poll_timer_.expires_after(kPollInterval);
    poll_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        tick_requested_ = true;
        pump();
    });
}

void Daemon::on_hup() {
    if (shutdown_requested_) return;  // defect D14, fixed: no restarts during shutdown
    reload_requested_ = true;
    pump();
}

void Daemon::on_shutdown_signal() {
    if (shutdown_requested_) return;  // further TERM/INT are ignored
    shutdown_requested_ = true;
    log(Level::v2, msg::ctx_main, msg::shutdown_received);
    log(Level::v2, msg::ctx_main, msg::clearing_config);
    desired_.clear();
    log(Level::v2, msg::ctx_main, msg::forcing_sync);
    poll_timer_.cancel();
    pump();
}

void Daemon::pump() {
    // One load or sync at a time (the original ran them concurrently: defect D13).
    if (busy_ || shutdown_started_) return;
    if (shutdown_requested_) {
        shutdown_started_ = true;
        busy_ = true;
        sync([this] {
            log(Level::v2, msg::ctx_main, msg::all_folks);
            // Nothing is logged after this record: the loop stops here, without
            // waiting for children (as the original).
            io_.stop();
        });
    } else if (reload_requested_) {
        reload_requested_ = false;
        busy_ = true;
        log(Level::v2, msg::ctx_config, msg::hup_caught);
        load_and_sync([this] {
            busy_ = false;
            pump();
        });
    } else if (tick_requested_) {
        tick_requested_ = false;
        busy_ = true;
        sync([this] {
            busy_ = false;
            if (!shutdown_requested_) arm_poll();  // measured from the end of the sync
            pump();
        });
    }
}

void Daemon::load_and_sync(std::function<void()> done) {
    auto report = [&](const std::string& text) {
        log(Level::v1, msg::ctx_config, std::string(msg::config_error) + text);
        log(Level::v2, msg::ctx_config, msg::skipping_reload);
        done();
    };
    auto loaded = configurator::load(options_.config_file);
    if (auto* error = std::get_if<configurator::LoadError>(&loaded)) return report(error->text);
    std::variant<ProgramSpecs, SpecError> built;
    try {
        built = build_specs(std::get<configurator::Map>(loaded), password_database_homes());
    } catch (const std::exception& e) {  // e.g. memory for absurd counts: keep the last good set
        built = SpecError{e.what()};
    }
    if (auto* error = std::get_if<SpecError>(&built)) return report(error->text);
    desired_ = std::move(std::get<ProgramSpecs>(built));
    sync(std::move(done));
}

}  // namespace angel
