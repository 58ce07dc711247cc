// The control socket's protocol, version 1: one request per connection, one JSON
// object on one line each way, then the connection closes. Pure text in and out:
// the daemon and angelctl share it, and the unit tests run it without sockets.
//
//   request:  {"angel":1,"command":"status","ids":["web"]}          (+ "signal":10)
//   reply:    {"angel":1,"ok":true,"text":"...","instances":[...]}  or  {"angel":1,"ok":false,"error":"..."}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "supervisor/control/status.hpp"

namespace angel::control {

inline constexpr int kVersion = 1;
/// A request longer than this is refused unread (a status of every id fits easily).
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

struct Request {
    std::string command;           ///< status, restart, stop, start, reload, signal, metrics
    std::vector<std::string> ids;  ///< ids or block names; none: all (status)
    int signal = 0;                ///< signal: its number
};

struct Reply {
    bool ok = true;
    std::string text;                       ///< a restart's, stop's, start's, reload's or signal's outcome; metrics; an error
    std::vector<InstanceStatus> instances;  ///< status
};

/// The request in `line`, or the error to reply with (never throws).
std::variant<Request, std::string> parse_request(std::string_view line);
std::string render_request(const Request& request);

std::string render_reply(const Reply& reply);
/// The reply in `line`, or what is wrong with it (never throws).
std::variant<Reply, std::string> parse_reply(std::string_view line);

/// The reply of a status request as JSON for scripts (angelctl status --json).
std::string render_status_json(const std::vector<InstanceStatus>& instances);
/// Human lines: one per instance, with each generation during a rollout.
std::string render_status_lines(const std::vector<InstanceStatus>& instances);

/// "USR1", "SIGUSR1" or "10" as a signal number; 0 if none.
int parse_signal_name(std::string_view name);

}  // namespace angel::control
