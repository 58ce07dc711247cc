// Real effects: each one a thin call into os/ or text/.
#include "supervisor/loop/asio_effects.hpp"

#include <signal.h>

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

/// The program's stdout and stderr files (spec 5.5), /dev/null when absent.
std::variant<std::pair<Fd, Fd>, std::string> open_outputs(const ProgramSpec& spec) {
    auto out = open_for_append(spec.stdout_path.value_or("/dev/null"));
    if (auto* e = std::get_if<FileError>(&out)) return std::move(e->text);
    auto err = open_for_append(spec.stderr_path.value_or("/dev/null"));
    if (auto* e = std::get_if<FileError>(&err)) return std::move(e->text);
    return std::pair{std::move(std::get<Fd>(out)), std::move(std::get<Fd>(err))};
}

}  // namespace

AsioEffects::AsioEffects(boost::asio::io_context& io, std::string config_file, std::function<void()> reap)
    : io_(io), config_file_(std::move(config_file)), reap_(std::move(reap)) {}

Clock::time_point AsioEffects::now() const { return Clock::now(); }

std::unique_ptr<Timer> AsioEffects::make_timer(std::function<void()> on_fire) {
    return std::make_unique<AsioTimer>(io_, std::move(on_fire));
}

Launched AsioEffects::launch(const Launch& launch) {
    const ProgramSpec& spec = *launch.spec;
    Launched result;
    Fd out, err;
    if (launch.logger_argv != nullptr) {
        // The logger reads a pipe and writes to /dev/null, in angel's environment (D2).
        auto pipe = make_pipe();
        auto null_out = open_for_append("/dev/null");
        for (const FileError* e : {std::get_if<FileError>(&pipe), std::get_if<FileError>(&null_out)}) {
            if (e) {
                result.logger = e->text;
                return result;
            }
        }
        Pipe& p = std::get<Pipe>(pipe);
        const int null_fd = std::get<Fd>(null_out).get();
        auto logger = spawn(SpawnRequest{*launch.logger_argv, std::nullopt, spec.directory,
                                         {{p.read.get(), 0}, {null_fd, 1}, {null_fd, 2}}});
        if (auto* e = std::get_if<SpawnError>(&logger)) {
            result.logger = std::move(e->text);
            return result;
        }
        result.logger = std::get<pid_t>(logger);
        // The program writes both streams into the pipe; angel keeps no write end, so the
        // logger sees EOF once the program and its descendants are gone (or the spawn fails).
        out = std::move(p.write);
    } else {
        auto opened = open_outputs(spec);
        if (auto* e = std::get_if<std::string>(&opened)) {
            result.program = std::move(*e);
            return result;
        }
        auto& files = std::get<std::pair<Fd, Fd>>(opened);
        out = std::move(files.first);
        err = std::move(files.second);
    }
    const int err_fd = err.get() >= 0 ? err.get() : out.get();
    auto child = spawn(SpawnRequest{*launch.argv, env_strings(spec.env), spec.directory, {{out.get(), 1}, {err_fd, 2}}});
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
