// What one configured program is: the angel layer's view of the flat config map.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "supervisor/spec/serve_spec.hpp"

namespace angel {

/// One environment entry of a child: (NAME, VALUE), both UTF-8.
using EnvEntry = std::pair<std::string, std::string>;

/// A program as configured, after count expansion, rounding and tilde expansion.
/// Two specs compare equal exactly when the reference would leave the program running.
/// Seconds before a restart when `delay` is absent.
inline constexpr std::int64_t kDefaultDelay = 5;
/// SIGTERM's number (15 on every Linux architecture): the original's stop signal.
inline constexpr int kDefaultStopSignal = 15;

/// `restart`: whether an instance that ended on its own is started again.
enum class RestartPolicy : std::uint8_t {
    always,      ///< the original's behaviour (the default)
    on_failure,  ///< not after an exit status listed in `okexit`
    never,       ///< never
};

/// `check` (opt-in): how angel asks a running instance whether it is alive, and how often.
struct CheckSpec {
    enum class Kind : std::uint8_t {
        http,  ///< GET http://HOST:PORT/PATH by angel itself: healthy = status 200-399
        tcp,   ///< a connect to HOST:PORT succeeds
        exec,  ///< COMMAND (split on spaces, no shell) exits 0
    };
    Kind kind = Kind::tcp;
    std::string text;     ///< the `check` value as written
    std::string host;     ///< http, tcp: a numeric IPv4 or IPv6 address (localhost: 127.0.0.1)
    std::uint16_t port = 0;
    std::string target;   ///< http: the path (at least "/"); exec: the command line
    std::int64_t every = 10;    ///< `checkevery`: seconds between checks
    std::int64_t timeout = 2;   ///< `checktimeout`: seconds a check may take
    std::int64_t fails = 3;     ///< `checkfails`: consecutive failures that replace the instance

    friend bool operator==(const CheckSpec&, const CheckSpec&) = default;
};

struct ProgramSpec {
    std::string id;                          ///< final id (`web`, or `worker-2` with count)
    std::string exec;                        ///< command line, split on spaces at spawn time
    std::optional<std::int64_t> delay;       ///< seconds before a restart (rounded); absent = 5,
                                             ///< but absent and 5 differ, as in the original

    std::optional<std::string> stdout_path;  ///< `stdout`; /dev/null when absent
    std::optional<std::string> stderr_path;  ///< `stderr`; /dev/null when absent
    std::optional<std::string> directory;    ///< child's working directory; angel's when absent
    std::optional<std::string> logger;       ///< logger command line (no tilde expansion)
    std::optional<std::string> pidfile;      ///< pidfile path (count-renamed, tilde-expanded)
    std::vector<EnvEntry> env;               ///< child's whole environment, in the logged order
    std::optional<std::int64_t> termgrace;   ///< grace seconds; nullopt = plain TERM, no wait
    std::optional<ServeSpec> serve;          ///< the opt-in serve keys; nullopt: none (the original)
    bool killgroup = false;                  ///< opt-in: own process group, signals to the group
    std::optional<std::int64_t> maxdelay;    ///< opt-in: crash-loop back-off up to this many seconds
    int stopsignal = kDefaultStopSignal;     ///< opt-in: the signal that stops an instance (then KILL)
    RestartPolicy restart = RestartPolicy::always;  ///< opt-in: restart after an exit of its own
    std::vector<int> okexit{0};              ///< opt-in: exit statuses that are a success (on-failure)
    bool critical = false;                   ///< opt-in: its end for good ends angel (with its status)
    std::vector<std::string> after;          ///< opt-in: ids or block names started before it, as written
    std::optional<CheckSpec> check;          ///< opt-in: health checks; nullopt: none (the original)
    std::optional<std::int64_t> watchdog;    ///< opt-in: served, ready = "notify": WATCHDOG=1 at least this often

    friend bool operator==(const ProgramSpec&, const ProgramSpec&) = default;
};

/// Seconds a program waits before its restart: its `delay`, or 5 when absent.
inline std::int64_t delay_seconds(const ProgramSpec& spec) { return spec.delay.value_or(kDefaultDelay); }

/// Whether an exit with this status (nullopt: killed by a signal) is a success under `okexit`.
inline bool exit_ok(const ProgramSpec& spec, std::optional<int> status) {
    if (!status) return false;
    for (int ok : spec.okexit) {
        if (ok == *status) return true;
    }
    return false;
}

/// Whether a program is served (zero-downtime rollouts) rather than run as the original runs it.
inline bool is_served(const ProgramSpec& spec) { return spec.serve.has_value(); }

/// The desired program set, by id; std::map keeps the sorted id order the reference uses.
using ProgramSpecs = std::map<std::string, ProgramSpec>;

}  // namespace angel
