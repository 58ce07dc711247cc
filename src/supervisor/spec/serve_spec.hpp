// The opt-in keys of a network program (listen, ready, surge, maxage, ...): a program
// that has any of them is served (zero-downtime rollouts); one without them has no
// ServeSpec and behaves exactly as under the original.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace angel {

/// One `listen` entry, parsed: a TCP port on every address, a port on one IP
/// literal, or a unix socket path.
struct ListenAddress {
    enum class Kind : std::uint8_t {
        any,   ///< "PORT": [::] with IPV6_V6ONLY off, else 0.0.0.0
        ipv4,  ///< "A.B.C.D:PORT"
        ipv6,  ///< "[ADDR]:PORT", IPV6_V6ONLY on
        unix_path,  ///< "/absolute/path"
    };
    Kind kind = Kind::any;
    std::string host;       ///< ipv4, ipv6 (without brackets)
    std::uint16_t port = 0;
    std::string path;       ///< unix_path
    std::string text;       ///< as written in the config: the socket's identity

    friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

/// Parses a `listen` entry; nullopt when it is none of the four forms.
std::optional<ListenAddress> parse_listen_address(const std::string& text);

/// How an instance says it is ready.
struct ReadySpec {
    enum class Kind : std::uint8_t {
        seconds,  ///< alive `value` seconds after it started (0: at once)
        notify,   ///< READY=1 on NOTIFY_SOCKET
        fd,       ///< a newline on descriptor `value`
    };
    Kind kind = Kind::seconds;
    std::int64_t value = 0;

    friend bool operator==(const ReadySpec&, const ReadySpec&) = default;
};

inline constexpr std::int64_t kDefaultReadyTimeout = 60;
inline constexpr unsigned kDefaultSocketMode = 0666;

struct ServeSpec {
    std::string group;                     ///< the program block (`web` for web-1, web-2)
    std::vector<ListenAddress> listen;     ///< fds 3, 4, ... in this order
    unsigned socketmode = kDefaultSocketMode;  ///< of unix sockets
    std::optional<ReadySpec> ready;        ///< absent: see effective_ready()
    std::int64_t readytimeout = kDefaultReadyTimeout;
    bool notify_all = false;               ///< notifyaccess = "all": the whole process tree may notify
    std::optional<std::int64_t> surge;     ///< absent: see effective_surge()
    std::optional<std::int64_t> maxage;    ///< seconds
    std::optional<std::int64_t> maxrss;    ///< MiB

    friend bool operator==(const ServeSpec&, const ServeSpec&) = default;
};

/// Instances beyond `count` a rollout may have alive: the `surge` key, else 1 for a
/// program with `listen` or `ready`, else 0 (the original's order: TERM first).
std::int64_t effective_surge(const ServeSpec& serve);

/// The `ready` key, else 1 second for a program with `listen` or a surge, else at once.
ReadySpec effective_ready(const ServeSpec& serve);

}  // namespace angel
