#include "angelctl/args.hpp"

#include <charconv>

namespace angelctl {

std::string usage_text() {
    return "usage: angelctl [-s SOCKET | -c CONFIG] COMMAND\n"
           "\n"
           "commands:\n"
           "  status [ID...] [--json]  one line per instance; exit 3 if any is not running\n"
           "  restart ID... [--timeout SECONDS]\n"
           "                           replace start-first (served programs) or stop and start; waits\n"
           "  stop ID... [--timeout SECONDS]\n"
           "                           stop and hold down (not restarted, even by a HUP) until start; waits\n"
           "  start ID... [--timeout SECONDS]\n"
           "                           start a stopped program, or a done/failed one-shot again; waits\n"
           "  reload [--timeout SECONDS]\n"
           "                           as a HUP; waits and prints the outcome\n"
           "  signal ID... SIG         send SIG (USR1, SIGHUP, 10...) to the programs' processes\n"
           "  metrics                  angel's figures in Prometheus' text format\n"
           "  check CONFIG             read CONFIG as a reload would; print its programs or its error\n"
           "\n"
           "  -s SOCKET   angel's control socket (default " +
           std::string(kDefaultSocket) +
           ")\n"
           "  -c CONFIG   the socket named by CONFIG's top-level `control`\n"
           "  -h, --help  this text\n";
}

std::variant<Args, Help, UsageError> parse_args(const std::vector<std::string>& args) {
    Args out;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!options_done && (a == "-h" || a == "--help")) return Help{};
        if (!options_done && a == "--") {
            options_done = true;
            continue;
        }
        if (!options_done && (a == "-s" || a == "-c")) {
            if (i + 1 == args.size()) return UsageError{a + " needs a value"};
            if (out.socket || out.config) return UsageError{"give -s or -c, once"};
            (a == "-s" ? out.socket : out.config) = args[++i];
            continue;
        }
        if (!options_done && a == "--timeout") {
            if (i + 1 == args.size()) return UsageError{"--timeout needs a value"};
            const std::string& value = args[++i];
            int seconds = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (value.empty() || ec != std::errc{} || ptr != value.data() + value.size() || seconds < 1 ||
                seconds > kMaxTimeout) {
                return UsageError{"--timeout: a whole number of seconds from 1 to " + std::to_string(kMaxTimeout) +
                                  ", not " + value};
            }
            out.timeout = seconds;
            continue;
        }
        if (!options_done && a == "--json") {
            out.json = true;  // status only; checked below (options may follow the ids)
            continue;
        }
        if (!options_done && a.size() > 1 && a[0] == '-') return UsageError{"unknown option " + a};
        if (out.command.empty()) {
            out.command = a;
        } else {
            out.operands.push_back(a);
        }
    }
    if (out.command.empty()) return UsageError{"no command (status, restart, stop, start, reload, signal, metrics, check)"};
    const std::string& c = out.command;
    const bool waits = per_program(c);
    if (c != "status" && !waits && c != "reload" && c != "signal" && c != "metrics" && c != "check") {
        return UsageError{"unknown command " + c};
    }
    if (out.json && c != "status") return UsageError{"--json is an option of status"};
    if (out.timeout && !waits && c != "reload") {
        return UsageError{"--timeout is an option of restart, stop, start and reload"};
    }
    if (waits && out.operands.empty()) return UsageError{c + ": name at least one program"};
    if (c == "reload" && !out.operands.empty()) return UsageError{"reload takes no operand"};
    if (c == "metrics" && !out.operands.empty()) return UsageError{"metrics takes no operand"};
    if (c == "signal" && out.operands.size() < 2) return UsageError{"signal: name programs and a signal (signal web USR1)"};
    if (c == "check") {
        if (out.operands.size() != 1) return UsageError{"check: name one config file"};
        if (out.socket || out.config) return UsageError{"check reads a file; -s and -c are for a running angel"};
    }
    return out;
}

}  // namespace angelctl
