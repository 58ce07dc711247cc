// angelctl: asks a running angel over its control socket (status, restart, stop,
// start, reload, signal), or checks a config file without one. See man/angelctl.1.
//
// Exit status: 0 done; 1 failed (angel said no, or could not be reached); 2 usage;
// 3 status: an instance shown is not running (as `systemctl is-active`).
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "angelctl/args.hpp"
#include "supervisor/control/describe_specs.hpp"
#include "supervisor/control/protocol.hpp"
#include "supervisor/os/config_file.hpp"
#include "supervisor/os/control_socket.hpp"

namespace {

using angel::control::Reply;
using angel::control::Request;

constexpr int kFailed = 1;
constexpr int kUsage = 2;
constexpr int kNotRunning = 3;

int fail(const std::string& line) {
    std::cerr << "angelctl: " << line << "\n";
    return kFailed;
}

/// A top-level path key as angel reads it at start-up: nullopt, or the error line.
std::optional<std::string> top_level_error(const configurator::Map& map, const std::string& key) {
    auto value = angel::top_level_path(map, key);
    if (!value) return std::nullopt;
    if (value->index() == 1) return std::get<1>(*value);
    if (key == "control") return angel::control_path_error(std::get<0>(*value));
    if (key == "metricsfile") {
        auto file = angel::top_level_metricsfile(map);
        if (file && file->index() == 1) return std::get<1>(*file);
    }
    return std::nullopt;
}

/// The top-level `metrics` address as angel reads it at start-up: nullopt, or the error line.
std::optional<std::string> metrics_error(const configurator::Map& map) {
    auto address = angel::top_level_metrics(map);
    if (address && address->index() == 1) return std::get<1>(*address);
    return std::nullopt;
}

int check(const std::string& path) {
    auto map = angel::read_config_map(path);
    if (auto* error = std::get_if<std::string>(&map)) {
        // The text angel logs for this config on a reload, under its Config Error header.
        std::cerr << *error << "\n";
        return kFailed;
    }
    const auto& m = std::get<configurator::Map>(map);
    // What angel refuses at start-up (it reads these once, then).
    for (const auto& error : {top_level_error(m, "pidfile"), top_level_error(m, "control"), metrics_error(m),
                              top_level_error(m, "metricsfile")}) {
        if (error) {
            std::cerr << *error << "\n";
            return kFailed;
        }
    }
    auto specs = angel::read_program_specs(path);
    if (auto* error = std::get_if<std::string>(&specs)) {
        std::cerr << *error << "\n";
        return kFailed;
    }
    std::cout << angel::control::describe_specs(std::get<angel::ProgramSpecs>(specs));
    return 0;
}

std::variant<std::string, int> socket_path(const angelctl::Args& args) {
    if (args.socket) return *args.socket;
    if (!args.config) return std::string(angelctl::kDefaultSocket);
    auto map = angel::read_config_map(*args.config);
    if (auto* error = std::get_if<std::string>(&map)) return fail(*error);
    const auto& m = std::get<configurator::Map>(map);
    if (!angel::top_level_path(m, "control")) {
        return fail(*args.config + " has no top-level `control`: angel listens on no socket");
    }
    if (auto error = top_level_error(m, "control")) return fail(*error);
    return std::get<0>(*angel::top_level_path(m, "control"));
}

/// How long an exchange may take: as long as angel works (restart, reload), 30 seconds of
/// silence (status, signal), or --timeout's seconds in all (connecting, sending, reading).
struct Patience {
    int silence_ms = -1;                ///< per wait for data; < 0: none
    std::optional<int> total_seconds;   ///< --timeout
};

int no_answer(int seconds) { return fail("no answer within " + std::to_string(seconds) + " seconds"); }

/// Sends one request and reads the one reply line.
std::variant<std::string, int> exchange(const std::string& path, const std::string& request, const Patience& patience) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(patience.total_seconds.value_or(0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return fail(path + ": too long for a unix socket");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (patience.total_seconds) {
        // connect (a full backlog) and send wait at most this long: EAGAIN after it.
        timeval limit{*patience.total_seconds, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        if (patience.total_seconds && (err == EAGAIN || err == EINPROGRESS)) return no_answer(*patience.total_seconds);
        std::string hint;
        if (err == ENOENT || err == ECONNREFUSED) hint = " (is angel running, with `control` set to it?)";
        if (err == EACCES) hint = " (only root and angel's user may use it)";
        return fail("cannot connect to " + path + ": " + std::strerror(err) + hint);
    }
    for (std::size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        // angel may have answered (a refusal) and closed before reading: its reply is
        // still there to read.
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) break;
        if (n < 0 && patience.total_seconds && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return no_answer(*patience.total_seconds);
        }
        if (n < 0) return fail("sending to " + path + ": " + std::strerror(errno));
        sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    char buffer[65536];
    while (true) {
        int wait_ms = patience.silence_ms;
        if (patience.total_seconds) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) return no_answer(*patience.total_seconds);
            wait_ms = static_cast<int>(left);
        }
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, wait_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0 && patience.total_seconds) return no_answer(*patience.total_seconds);
        if (ready == 0) return fail("no reply from angel within " + std::to_string(wait_ms / 1000) + " seconds");
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        // A reset after a whole reply line (angel closed on unread data): the reply stands.
        if (n < 0 && errno == ECONNRESET && reply.find('\n') != std::string::npos) break;
        if (n < 0) return fail("reading from " + path + ": " + std::strerror(errno));
        if (n == 0) break;
        reply.append(buffer, static_cast<std::size_t>(n));
    }
    if (reply.empty()) return fail("angel closed the connection without a reply (shutting down?)");
    return reply;
}

int run(const angelctl::Args& args) {
    if (args.command == "check") return check(args.operands[0]);
    Request request;
    request.command = args.command;
    request.ids = args.operands;
    if (args.command == "signal") {
        request.signal = angel::control::parse_signal_name(args.operands.back());
        if (request.signal == 0) {
            std::cerr << "angelctl: unknown signal " << args.operands.back() << "\n";
            return kUsage;
        }
        request.ids.pop_back();
    }
    auto path = socket_path(args);
    if (auto* status = std::get_if<int>(&path)) return *status;
    // status and signal answer at once; restart, stop, start and reload take as long as
    // the programs take (termgrace, readiness), so they wait.
    const bool waits = angelctl::per_program(args.command) || args.command == "reload";
    auto line = exchange(std::get<std::string>(path), angel::control::render_request(request),
                         Patience{waits ? -1 : 30000, args.timeout});
    if (auto* status = std::get_if<int>(&line)) return *status;
    auto parsed = angel::control::parse_reply(std::get<std::string>(line));
    if (auto* error = std::get_if<std::string>(&parsed)) return fail(*error);
    const Reply& reply = std::get<Reply>(parsed);
    if (!reply.ok) {
        // A restart's (stop's, start's) reply has a line per program, each an error line of its own; any
        // other error is one text (a config error may span lines), as angel has it.
        if (!angelctl::per_program(args.command)) {
            std::cerr << "angelctl: " << reply.text << "\n";
            return kFailed;
        }
        for (std::size_t start = 0; start <= reply.text.size();) {
            const std::size_t end = std::min(reply.text.find('\n', start), reply.text.size());
            std::cerr << "angelctl: " << reply.text.substr(start, end - start) << "\n";
            start = end + 1;
        }
        return kFailed;
    }
    if (args.command == "status") {
        std::cout << (args.json ? angel::control::render_status_json(reply.instances)
                                : angel::control::render_status_lines(reply.instances));
        for (const auto& s : reply.instances) {
            if (!s.running()) return kNotRunning;
        }
        return 0;
    }
    if (args.command == "metrics") {
        std::cout << reply.text;  // the exposition ends in its own newline
        return 0;
    }
    std::cout << reply.text << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    auto parsed = angelctl::parse_args(args);
    if (std::holds_alternative<angelctl::Help>(parsed)) {
        std::cout << angelctl::usage_text();
        return 0;
    }
    if (auto* error = std::get_if<angelctl::UsageError>(&parsed)) {
        std::cerr << "angelctl: " << error->text << "\n" << angelctl::usage_text();
        return kUsage;
    }
    try {
        return run(std::get<angelctl::Args>(parsed));
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}
