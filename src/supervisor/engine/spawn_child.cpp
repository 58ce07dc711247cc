// The one spawn path of plain instances and served generations: the command split,
// `Spawning process`, the logger, the launch, the pid index. What follows a spawn
// (RUNNING, a pidfile, readiness) is each caller's table's.
#include "supervisor/engine/supervisor.hpp"
#include "supervisor/spec/show_env.hpp"
#include "supervisor/spec/split_command.hpp"

namespace angel {

Supervisor::Spawned Supervisor::spawn_child(const std::string& id, const ProgramSpec& spec, std::uint64_t generation,
                                            const ServeLaunch* serve) {
    Spawned out;
    out.generation = generation;
    std::vector<std::string> argv = split_command(spec.exec);
    if (argv.empty()) {
        out.error = std::string(msg::empty_command);
        return out;
    }
    const std::string ctx = program_context(id);
    fx_.log(Level::v1, ctx, std::string(msg::spawning_process) + argv[0] + std::string(msg::with_env) + show_env(spec.env));
    std::vector<std::string> logger_argv;
    if (spec.logger) {
        fx_.log(Level::v2, ctx, msg::spawning_logger);
        logger_argv = split_command(*spec.logger);
        if (logger_argv.empty()) {
            out.error = std::string(msg::empty_command);
            return out;
        }
    }
    Launched launched = fx_.launch(Launch{&argv, spec.logger ? &logger_argv : nullptr, &spec, serve});
    if (auto* error = std::get_if<std::string>(&launched.logger)) {
        out.error = *error;
        return out;
    }
    if (const pid_t logger = std::get<pid_t>(launched.logger); logger > 0) {
        out.logger_pid = logger;
        children_[logger] = ChildRef{ChildRef::Role::logger, id, out.generation};
        fx_.log(Level::v2, logger_context(id), msg::running);
    }
    if (auto* error = std::get_if<std::string>(&launched.program)) {
        out.error = *error;
        return out;
    }
    out.pid = std::get<pid_t>(launched.program);
    out.channel = std::move(launched.channel);
    children_[out.pid] = ChildRef{ChildRef::Role::program, id, out.generation};
    return out;
}

}  // namespace angel
