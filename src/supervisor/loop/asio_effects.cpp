// Real effects: each one a thin call into os/ or text/.
#include "supervisor/loop/asio_effects.hpp"

#include <signal.h>

#include <tuple>

#include "supervisor/loop/asio_timer.hpp"
#include "supervisor/os/config_file.hpp"
#include "supervisor/os/files.hpp"
#include "supervisor/os/spawn.hpp"
#include "supervisor/text/log.hpp"

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
                                         {{p.read.get(), 0}, {null, 1}, {null, 2}}, std::nullopt});
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
    auto child = spawn(SpawnRequest{*launch.argv, env_strings(spec.env), spec.directory, {{out_fd, 1}, {err_fd, 2}}, std::nullopt});
    if (auto* e = std::get_if<SpawnError>(&child)) {
        result.program = std::move(e->text);
    } else {
        result.program = std::get<pid_t>(child);
    }
    return result;
}

void AsioEffects::signal(pid_t pid, int sig) { ::kill(pid, sig); }

void AsioEffects::reap_now() { reap_(); }

std::optional<std::string> AsioEffects::write_pidfile(const std::string& path, pid_t pid) {
    auto written = angel::write_pidfile(path, pid);
    if (auto* e = std::get_if<FileError>(&written)) return std::move(e->text);
    return std::nullopt;
}

void AsioEffects::remove_file(const std::string& path) { angel::remove_file(path); }

std::variant<ProgramSpecs, std::string> AsioEffects::load_config() { return read_program_specs(config_file_); }

void AsioEffects::log(Level level, std::string_view context, std::string_view message) {
    angel::log(level, context, message);
}

void AsioEffects::report_error(std::string_view text) { angel::report_error(text); }

void AsioEffects::finish() { io_.stop(); }

}  // namespace angel
