// angel: keeps every program of its config running (see man/angel.1).
#include <unistd.h>

#include <exception>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "supervisor/text/cli.hpp"
#include "supervisor/loop/daemon.hpp"
#include "supervisor/text/log.hpp"

int main(int argc, char** argv) {
    angel::set_program_name(argc > 0 ? argv[0] : "angel");
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    auto parsed = angel::parse_command_line(args, angel::program_name());
    if (std::holds_alternative<angel::HelpRequested>(parsed)) {
        std::string text = angel::help_text(angel::program_name());
        return ::write(STDOUT_FILENO, text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : 1;
    }
    if (auto* error = std::get_if<angel::UsageError>(&parsed)) {
        ssize_t ignored = ::write(STDERR_FILENO, error->text.data(), error->text.size());
        (void)ignored;
        return 1;
    }
    const auto& options = std::get<angel::Options>(parsed);
    angel::init_log(options.verbosity);
    try {
        int status = 0;
        {
            boost::asio::io_context io;
            angel::Daemon daemon(io, options);
            status = daemon.run();
        }
        angel::flush_outputs_at_exit();  // what a full stdout or stderr kept waiting (at most 10 s)
        return status;
    } catch (const std::exception& e) {  // the loop could not be set up (no descriptor left...)
        angel::report_error(e.what());
        angel::flush_outputs_at_exit();
        return 1;
    }
}
