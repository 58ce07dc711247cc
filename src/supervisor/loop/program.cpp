// One program's lifecycle (spec section 6):
//   START -> [QUIT (missing...)] | Spawning... -> RUNNING -> ENDED -> QUIT | WAITING -> RESTART -> START
// A spawn failure ends the entry with one stderr line; the next sync starts it again.
#include "supervisor/loop/daemon.hpp"
#include "supervisor/spec/durations.hpp"
#include "supervisor/os/files.hpp"
#include "supervisor/text/log.hpp"
#include "supervisor/text/messages.hpp"
#include "supervisor/spec/show_env.hpp"
#include "supervisor/os/spawn.hpp"
#include "supervisor/spec/split_command.hpp"

namespace angel {
namespace {

std::vector<std::string> env_strings(const std::vector<EnvEntry>& env) {
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [name, value] : env) out.push_back(name + "=" + value);
    return out;
}

}  // namespace



void Daemon::start_program(const std::string& id) {
    if (running_.contains(id)) return;
    running_.emplace(id, std::make_unique<Program>(io_));
    begin_iteration(id);
}

void Daemon::begin_iteration(const std::string& id) {
    const std::string ctx = program_context(id);
    log(Level::v2, ctx, msg::start);
    auto wanted = desired_.find(id);
    if (wanted == desired_.end()) {
        log(Level::v2, ctx, msg::quit_missing);
        return end_entry(id);
    }
    Program& program = *running_.at(id);
    program.spec = wanted->second;  // read once per iteration
    if (!spawn_iteration(id, program)) return end_entry(id);
}

bool Daemon::spawn_iteration(const std::string& id, Program& program) {
    const ProgramSpec& spec = program.spec;
    const std::string ctx = program_context(id);
    std::vector<std::string> argv = split_command(spec.exec);
    if (argv.empty()) {
        report_error(msg::empty_command);
        return false;
    }
    log(Level::v1, ctx, std::string(msg::spawning_process) + argv[0] + std::string(msg::with_env) + show_env(spec.env));
    std::optional<ChildStreams> streams = open_streams(id, program);
    if (!streams) return false;

    int err_fd = streams->err.get() >= 0 ? streams->err.get() : streams->out.get();
    auto child = spawn(SpawnRequest{argv, env_strings(spec.env), spec.directory, -1, streams->out.get(), err_fd});
    if (auto* e = std::get_if<SpawnError>(&child)) {
        report_error(e->text);
        return false;
    }
    program.pid = std::get<pid_t>(child);
    children_[program.pid] = ChildOwner{ChildOwner::Role::program, id};

    if (spec.pidfile) {
        auto written = write_pidfile(*spec.pidfile, program.pid);
        if (auto* e = std::get_if<FileError>(&written)) {
            on_pidfile_failed(id, program, e->text);
            return true;  // the entry ends once the kill sequence is done
        }
    }
    program.state = Program::State::running;
    log(Level::v2, ctx, msg::running);
    return true;
}

std::optional<ChildStreams> Daemon::open_streams(const std::string& id, Program& program) {
    const ProgramSpec& spec = program.spec;
    ChildStreams streams;
    if (!spec.logger) {
        for (auto [path, fd] : {std::pair{&spec.stdout_path, &streams.out}, std::pair{&spec.stderr_path, &streams.err}}) {
            auto opened = open_for_append(path->value_or("/dev/null"));
            if (auto* e = std::get_if<FileError>(&opened)) {
                report_error(e->text);
                return std::nullopt;
            }
            *fd = std::move(std::get<Fd>(opened));
        }
        return streams;
    }
    log(Level::v2, program_context(id), msg::spawning_logger);
    std::vector<std::string> logger_argv = split_command(*spec.logger);
    if (logger_argv.empty()) {
        report_error(msg::empty_command);
        return std::nullopt;
    }
    auto pipe = make_pipe();
    auto null_out = open_for_append("/dev/null");
    for (const FileError* e : {std::get_if<FileError>(&pipe), std::get_if<FileError>(&null_out)}) {
        if (e) {
            report_error(e->text);
            return std::nullopt;
        }
    }
    Pipe& p = std::get<Pipe>(pipe);
    int null_fd = std::get<Fd>(null_out).get();
    auto logger = spawn(SpawnRequest{logger_argv, std::nullopt, spec.directory, p.read.get(), null_fd, null_fd});
    if (auto* e = std::get_if<SpawnError>(&logger)) {
        report_error(e->text);
        return std::nullopt;
    }
    program.logger_pid = std::get<pid_t>(logger);
    children_[program.logger_pid] = ChildOwner{ChildOwner::Role::logger, id};
    log(Level::v2, logger_context(id), msg::running);
    // The program writes both streams into the pipe; angel keeps no write end, so the
    // logger sees EOF once the program and its descendants are gone (or the spawn fails).
    streams.out = std::move(p.write);
    return streams;
}

void Daemon::on_pidfile_failed(const std::string& id, Program& program, const std::string& text) {
    log(Level::v2, program_context(id), msg::pidfile_failed);
    // The child is killed with the program's kill sequence and, unlike in the original,
    // reaped (defect D8); it is no longer this entry's, so its end is not logged.
    children_[program.pid].role = ChildOwner::Role::orphan;
    const ProgramSpec& spec = program.spec;
    KillTarget target{id, program.pid, program.logger_pid, spec.logger.has_value(), spec.termgrace, {}};
    program.pid = 0;
    program.state = Program::State::failing;
    kill_sequence(target, [this, id, text] {
        report_error(text);
        end_entry(id);
    });
}

void Daemon::on_child_exit(pid_t pid) {
    auto found = children_.find(pid);
    if (found == children_.end()) return;  // e.g. a child whose exec failed
    ChildOwner owner = std::move(found->second);
    children_.erase(found);
    auto entry = running_.find(owner.id);
    switch (owner.role) {
        case ChildOwner::Role::orphan:
            return;
        case ChildOwner::Role::logger:
            log(Level::v2, logger_context(owner.id), msg::ended);
            if (entry != running_.end() && entry->second->logger_pid == pid) entry->second->logger_pid = 0;
            return;
        case ChildOwner::Role::program:
            if (entry != running_.end() && entry->second->pid == pid &&
                (entry->second->state == Program::State::running ||
                 entry->second->state == Program::State::killed)) {
                on_program_ended(owner.id, *entry->second);
            }
            return;
    }
}

void Daemon::on_program_ended(const std::string& id, Program& program) {
    const std::string ctx = program_context(id);
    log(Level::v2, ctx, msg::ended);
    program.pid = 0;
    if (program.spec.pidfile) remove_file(*program.spec.pidfile);
    if (!desired_.contains(id)) {
        log(Level::v2, ctx, msg::quit);
        return end_entry(id);
    }
    log(Level::v2, ctx, msg::waiting);
    program.state = Program::State::waiting;
    // The delay of the spec the program was started with, not of a newer config.
    program.delay_timer.expires_after(capped_seconds(program.spec.delay.value_or(kDefaultDelay)));
    program.delay_timer.async_wait([this, id](const boost::system::error_code& ec) {
        if (ec) return;  // the entry is gone
        log(Level::v2, program_context(id), msg::restart);
        begin_iteration(id);
    });
}

void Daemon::end_entry(const std::string& id) { running_.erase(id); }

}  // namespace angel
