// Everything the engine does to the world, behind one small interface: the Asio
// loop implements it with real processes, files and timers (loop/), the unit tests
// with a fake clock and fake processes. The engine makes no system call itself.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "supervisor/spec/program_spec.hpp"
#include "supervisor/phrases/messages.hpp"

namespace angel {

using Clock = std::chrono::steady_clock;

/// A one-shot timer owned by whoever armed it. Destroying it cancels it; a timer
/// cancelled or re-armed never runs the callback of an earlier arming.
class Timer {
public:
    virtual ~Timer() = default;
    /// Whole seconds mostly; milliseconds where a stagger needs them (health checks).
    virtual void arm(std::chrono::milliseconds after) = 0;
    virtual void cancel() = 0;
    virtual bool armed() const = 0;
};

/// What a served instance says on its readiness channel.
struct ReadyMessage {
    enum class Kind : std::uint8_t {
        ready,     ///< READY=1, or a newline on the readiness descriptor
        never,     ///< the readiness descriptor reached end of file before a newline
        stopping,  ///< STOPPING=1: replace me
        status,    ///< STATUS=text
        watchdog,  ///< WATCHDOG=1: a keep-alive (`watchdog`)
    };
    Kind kind = Kind::ready;
    std::string text;  ///< status
};

/// Something watched on the loop for one generation (its readiness channel). Destroying
/// it stops the watch and closes what it holds; no callback runs after that.
class Watch {
public:
    virtual ~Watch() = default;
};

/// How one health check (`check`) ended: healthy, or why not ("connect: connection
/// refused", "http status 500"). A timeout is the engine's, not the probe's.
struct ProbeResult {
    bool ok = true;
    std::string reason;
};

/// A served program's extras at launch: its listening sockets and its readiness channel.
struct ServeLaunch {
    std::vector<int> listen_fds;  ///< angel's listening sockets, given as fds 3, 4, ...
    std::string fd_names;         ///< LISTEN_FDNAMES
    ReadySpec ready;              ///< notify or fd: a channel is made; seconds: none
    std::function<void(ReadyMessage)> on_message;  ///< called on the loop, never during launch()
    std::int64_t watchdog_seconds = 0;  ///< `watchdog` (notify only): WATCHDOG_USEC and WATCHDOG_PID; 0: none
};

/// One program generation to start: its logger first (if any), then the program
/// with its output into the logger's pipe, or into its stdout/stderr files.
struct Launch {
    const std::vector<std::string>* argv = nullptr;         ///< the program's, not empty
    const std::vector<std::string>* logger_argv = nullptr;  ///< not empty; null: no logger
    const ProgramSpec* spec = nullptr;                      ///< env, directory, stdout, stderr
    const ServeLaunch* serve = nullptr;                     ///< served programs only
    /// An exec health check (argv: its command): spec's environment and directory, output
    /// to /dev/null, a process group of its own (killed whole at its timeout), no logger.
    bool probe = false;
};

/// What a Launch did. A failure text is the reference's stderr text (without `<PROG>: `).
struct Launched {
    std::variant<pid_t, std::string> logger = pid_t{0};  ///< 0: no logger was asked for
    std::variant<pid_t, std::string> program = std::string("not started");  ///< after a logger failure: unused
    std::unique_ptr<Watch> channel;  ///< the readiness channel of a served launch, if any
};

class Effects {
public:
    virtual ~Effects() = default;

    // Time.
    virtual Clock::time_point now() const = 0;
    virtual std::unique_ptr<Timer> make_timer(std::function<void()> on_fire) = 0;

    // Processes. Children's exits come back through Supervisor::on_child_exit.
    virtual Launched launch(const Launch& launch) = 0;
    virtual void signal(pid_t pid, int sig) = 0;
    /// Reaps every child that has exited, now (each through on_child_exit).
    virtual void reap_now() = 0;

    /// Starts an http or tcp health check of `check` on the loop; `done` is called once,
    /// on the loop, never during probe(). Destroying the Watch abandons it (its socket
    /// closes, `done` is not called): that is how the engine's timeout ends it.
    virtual std::unique_ptr<Watch> probe(const CheckSpec& check, std::function<void(ProbeResult)> done) = 0;

    /// Resident memory of a live child in bytes; nullopt if it cannot be read.
    virtual std::optional<std::uint64_t> resident_bytes(pid_t pid) = 0;

    // Listening sockets, held across restarts. `listener` returns the descriptor of
    // the address (binding it the first time) or the error line; `keep_listeners`
    // closes every one not named.
    virtual std::variant<int, std::string> listener(const ListenAddress& address, unsigned mode) = 0;
    virtual void keep_listeners(const std::vector<std::string>& in_use) = 0;

    // Files.
    virtual std::optional<std::string> write_pidfile(const std::string& path, pid_t pid) = 0;  ///< error text
    virtual void remove_file(const std::string& path) = 0;

    // The config: loaded and turned into specs, or the Config Error text.
    virtual std::variant<ProgramSpecs, std::string> load_config() = 0;

    // What angel says.
    virtual void log(Level level, std::string_view context, std::string_view message) = 0;
    virtual void report_error(std::string_view text) = 0;

    /// Tells the service manager (systemd's NOTIFY_SOCKET, if angel was given one) a
    /// state: READY=1, RELOADING=1, STOPPING=1. Never blocks; nothing without a socket.
    virtual void notify(std::string_view state) = 0;

    /// The final sync is over: end the loop without waiting for children (D4).
    virtual void finish() = 0;
};

}  // namespace angel
