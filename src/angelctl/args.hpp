// angelctl's command line, parsed without side effects (unit-tested).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace angelctl {

/// The socket when neither -s nor -c is given.
inline constexpr const char* kDefaultSocket = "/run/angel/angel.sock";

/// The largest --timeout (a day: poll's milliseconds stay far from overflow).
inline constexpr int kMaxTimeout = 86400;

/// restart, stop and start: per program, and they wait until angel has done it.
inline bool per_program(const std::string& command) {
    return command == "restart" || command == "stop" || command == "start";
}

struct Args {
    std::optional<std::string> socket;  ///< -s SOCKET
    std::optional<std::string> config;  ///< -c CONFIG: its top-level `control`
    std::string command;                ///< status, restart, stop, start, reload, signal, metrics, check
    std::vector<std::string> operands;  ///< ids; signal: ID... SIG; check: CONFIG
    bool json = false;                  ///< status --json
    std::optional<int> timeout;         ///< restart, stop, start, reload --timeout SECONDS: give up after
};

struct Help {};
struct UsageError {
    std::string text;  ///< one line, without "angelctl: "
};

std::variant<Args, Help, UsageError> parse_args(const std::vector<std::string>& args);

/// The usage text (angelctl -h).
std::string usage_text();

}  // namespace angelctl
