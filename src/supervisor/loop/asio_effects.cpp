// Real effects: each one a thin call into os/ or text/.
#include "supervisor/loop/asio_effects.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "supervisor/loop/asio_timer.hpp"
#include "supervisor/loop/health_probe.hpp"
#include "supervisor/loop/ready_watch.hpp"
#include "supervisor/os/config_file.hpp"
#include "supervisor/os/files.hpp"
#include "supervisor/os/process_memory.hpp"
#include "supervisor/os/spawn.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {
namespace {

std::vector<std::string> env_strings(const std::vector<EnvEntry>& env) {
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [name, value] : env) out.push_back(name + "=" + value);
    return out;
}

}  // namespace

AsioEffects::AsioEffects(boost::asio::io_context& io, std::string config_file, std::function<void()> reap)
    : io_(io), config_file_(std::move(config_file)), reap_(std::move(reap)) {}

AsioEffects::~AsioEffects() {
    for (auto& [address, socket] : listeners_) close_listen_socket(socket);
}

Clock::time_point AsioEffects::now() const { return Clock::now(); }

std::unique_ptr<Timer> AsioEffects::make_timer(std::function<void()> on_fire) {
    return std::make_unique<AsioTimer>(io_, std::move(on_fire));
}

std::variant<int, std::string> AsioEffects::dev_null() {
    if (dev_null_.get() < 0) {
        auto opened = open_for_append("/dev/null");
        if (auto* e = std::get_if<FileError>(&opened)) return std::move(e->text);
        dev_null_ = std::move(std::get<Fd>(opened));
    }
    return dev_null_.get();
}

std::variant<int, std::string> AsioEffects::output(const std::optional<std::string>& path, Fd& holder) {
    if (!path) return dev_null();
    auto opened = open_for_append(*path);
    if (auto* e = std::get_if<FileError>(&opened)) return std::move(e->text);
    holder = std::move(std::get<Fd>(opened));
    return holder.get();
}

Launched AsioEffects::launch(const Launch& launch) {
    const ProgramSpec& spec = *launch.spec;
    Launched result;
    Fd pipe_write, out_file, err_file;  // closed when the children have them
    int out_fd = -1, err_fd = -1;
    if (launch.probe) {
        // An exec health check: quiet, in a group of its own, killed whole when over time.
        auto null_fd = dev_null();
        if (auto* e = std::get_if<std::string>(&null_fd)) {
            result.program = std::move(*e);
            return result;
        }
        const int null = std::get<int>(null_fd);
        SpawnRequest request{*launch.argv, env_strings(spec.env), spec.directory, {{null, 1}, {null, 2}}, {}};
        request.own_process_group = true;
        auto child = spawn(request);
        if (auto* e = std::get_if<SpawnError>(&child)) {
            result.program = std::move(e->text);
        } else {
            result.program = std::get<pid_t>(child);
        }
        return result;
    }
    if (launch.logger_argv != nullptr) {
        // The logger reads a pipe and writes to /dev/null, in angel's environment (D2).
        auto pipe = make_pipe();
        auto null_fd = dev_null();
        if (auto* e = std::get_if<FileError>(&pipe)) {
            result.logger = std::move(e->text);
            return result;
        }
        if (auto* e = std::get_if<std::string>(&null_fd)) {
            result.logger = std::move(*e);
            return result;
        }
        Pipe& p = std::get<Pipe>(pipe);
        const int null = std::get<int>(null_fd);
        auto logger = spawn(SpawnRequest{*launch.logger_argv, std::nullopt, spec.directory,
                                         {{p.read.get(), 0}, {null, 1}, {null, 2}}, {}});
        if (auto* e = std::get_if<SpawnError>(&logger)) {
            result.logger = std::move(e->text);
            return result;
        }
        result.logger = std::get<pid_t>(logger);
        // The program writes both streams into the pipe; angel keeps no write end, so the
        // logger sees EOF once the program and its descendants are gone (or the spawn fails).
        pipe_write = std::move(p.write);
        out_fd = err_fd = pipe_write.get();
    } else {
        // The program's stdout and stderr files (spec 5.5), /dev/null when absent.
        for (auto [path, fd, holder] : {std::tuple{&spec.stdout_path, &out_fd, &out_file},
                                        std::tuple{&spec.stderr_path, &err_fd, &err_file}}) {
            auto opened = output(*path, *holder);
            if (auto* e = std::get_if<std::string>(&opened)) {
                result.program = std::move(*e);
                return result;
            }
            *fd = std::get<int>(opened);
        }
    }
    SpawnRequest request{*launch.argv, env_strings(spec.env), spec.directory, {{out_fd, 1}, {err_fd, 2}}, {}};
    request.own_process_group = spec.killgroup;
    Fd ready_write;  // the child's end of a readiness pipe: closed here once it has it
    std::unique_ptr<Watch> channel;
    ReadyWatch* notify_watch = nullptr;  // the channel, when it is a notify socket
    if (launch.serve != nullptr) {
        if (auto error = add_serve(*launch.serve, request.fds, *request.env, request.own_pid_envs, ready_write,
                                   channel, notify_watch)) {
            result.program = std::move(*error);
            return result;
        }
    }
    auto child = spawn(request);
    if (auto* e = std::get_if<SpawnError>(&child)) {
        result.program = std::move(e->text);
    } else {
        result.program = std::get<pid_t>(child);
        if (notify_watch != nullptr) {
            // Known only now; the loop has read nothing from the socket yet.
            notify_watch->accept_from(std::get<pid_t>(child), spec.serve && spec.serve->notify_all,
                                program_context(spec.id));
        }
        result.channel = std::move(channel);
    }
    return result;
}

std::optional<std::string> AsioEffects::add_serve(const ServeLaunch& serve, std::vector<FdMove>& fds,
                                                  std::vector<std::string>& env, std::vector<std::size_t>& own_pid_envs,
                                                  Fd& ready_write, std::unique_ptr<Watch>& channel,
                                                  ReadyWatch*& notify_watch) {
    // The systemd protocol: fds 3, 4, ... in list order; LISTEN_PID (as WATCHDOG_PID) is
    // the child's own pid, which only the child knows: it fills the slots in after the fork.
    if (!serve.listen_fds.empty()) {
        for (std::size_t i = 0; i < serve.listen_fds.size(); ++i) {
            fds.push_back(FdMove{serve.listen_fds[i], static_cast<int>(3 + i)});
        }
        env.push_back("LISTEN_FDS=" + std::to_string(serve.listen_fds.size()));
        own_pid_envs.push_back(env.size());
        env.push_back("LISTEN_PID=");
        env.push_back("LISTEN_FDNAMES=" + serve.fd_names);
    }
    switch (serve.ready.kind) {
        case ReadySpec::Kind::seconds:
            return std::nullopt;
        case ReadySpec::Kind::fd: {
            auto pipe = make_pipe();
            if (auto* e = std::get_if<FileError>(&pipe)) return std::move(e->text);
            Pipe& p = std::get<Pipe>(pipe);
            set_nonblocking(p.read.get());
            fds.push_back(FdMove{p.write.get(), static_cast<int>(serve.ready.value)});
            ready_write = std::move(p.write);
            channel = std::make_unique<ReadyWatch>(io_, ReadyWatch::Kind::pipe, std::move(p.read), std::string(),
                                                   serve.on_message);
            return std::nullopt;
        }
        case ReadySpec::Kind::notify: {
            auto path = notify_directory_.next_path();
            if (path.index() == 1) return std::move(std::get<1>(path));
            const std::string& where = std::get<0>(path);
            auto socket = open_notify_socket(where);
            if (auto* e = std::get_if<std::string>(&socket)) return std::move(*e);
            env.push_back("NOTIFY_SOCKET=" + where);
            if (serve.watchdog_seconds > 0) {
                // systemd's watchdog protocol: the period in microseconds, and the pid it is for.
                env.push_back("WATCHDOG_USEC=" + std::to_string(serve.watchdog_seconds * 1000000));
                own_pid_envs.push_back(env.size());
                env.push_back("WATCHDOG_PID=");
            }
            auto watch = std::make_unique<ReadyWatch>(io_, ReadyWatch::Kind::notify_socket,
                                                      std::move(std::get<Fd>(socket)), where, serve.on_message);
            notify_watch = watch.get();
            channel = std::move(watch);
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::unique_ptr<Watch> AsioEffects::probe(const CheckSpec& check, std::function<void(ProbeResult)> done) {
    return start_net_probe(io_, check, std::move(done));
}

std::optional<std::uint64_t> AsioEffects::resident_bytes(pid_t pid) { return angel::resident_bytes(pid); }

std::variant<int, std::string> AsioEffects::listener(const ListenAddress& address, unsigned mode) {
    if (auto it = listeners_.find(address.text); it != listeners_.end()) {
        set_socket_mode(it->second, mode);
        return it->second.fd.get();
    }
    auto opened = open_listen_socket(address, mode);
    if (auto* e = std::get_if<std::string>(&opened)) return std::move(*e);
    auto& held = listeners_[address.text] = std::move(std::get<ListenSocket>(opened));
    log(Level::v2, msg::ctx_monitor, std::string(msg::listening_on) + "\"" + address.text + "\"");
    return held.fd.get();
}

void AsioEffects::keep_listeners(const std::vector<std::string>& in_use) {
    for (auto it = listeners_.begin(); it != listeners_.end();) {
        if (std::binary_search(in_use.begin(), in_use.end(), it->first)) {
            ++it;
            continue;
        }
        log(Level::v2, msg::ctx_monitor, std::string(msg::closed_listener) + "\"" + it->first + "\"");
        close_listen_socket(it->second);
        it = listeners_.erase(it);
    }
}

void AsioEffects::prebind(const ProgramSpecs& specs) {
    for (const auto& [id, spec] : specs) {
        if (!spec.serve) continue;
        for (const ListenAddress& address : spec.serve->listen) {
            if (!listeners_.contains(address.text)) (void)listener(address, spec.serve->socketmode);
        }
    }
}

void AsioEffects::signal(pid_t pid, int sig) { ::kill(pid, sig); }

void AsioEffects::reap_now() { reap_(); }

std::optional<std::string> AsioEffects::write_pidfile(const std::string& path, pid_t pid) {
    auto written = angel::write_pidfile(path, pid);
    if (auto* e = std::get_if<FileError>(&written)) return std::move(e->text);
    return std::nullopt;
}

void AsioEffects::remove_file(const std::string& path) { angel::remove_file(path); }

std::variant<ProgramSpecs, std::string> AsioEffects::load_config() {
    if (preloaded_) {
        auto loaded = std::move(*preloaded_);
        preloaded_.reset();
        return loaded;
    }
    return read_program_specs(config_file_);
}

void AsioEffects::preload(std::variant<ProgramSpecs, std::string> loaded) { preloaded_ = std::move(loaded); }

void AsioEffects::log(Level level, std::string_view context, std::string_view message) {
    angel::log(level, context, message);
}

void AsioEffects::report_error(std::string_view text) { angel::report_error(text); }

void AsioEffects::finish() { io_.stop(); }

void AsioEffects::notify(std::string_view state) { service_notifier_.send(state); }

}  // namespace angel
