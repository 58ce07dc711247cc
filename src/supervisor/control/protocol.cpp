// The control protocol through nlohmann::json; every parse catches, so a malformed
// line is an error reply, never a crash.
#include "supervisor/control/protocol.hpp"

#include <stdexcept>

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace angel::control {
namespace {

using nlohmann::json;

// Replies carry program output names and error texts: never fail on invalid UTF-8.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

json child_json(const ChildStatus& c) {
    json out{{"role", name_of(c.role)}, {"pid", c.pid}, {"uptime", c.uptime_seconds}};
    if (c.ready) out["ready"] = *c.ready;
    return out;
}

json instance_json(const InstanceStatus& s) {
    json out{{"id", s.id},           {"state", name_of(s.state)},         {"pid", s.pid},
             {"uptime", s.uptime_seconds}, {"restarts", s.restarts}, {"last_exit", s.last_exit}};
    if (!s.last_error.empty()) out["last_error"] = s.last_error;
    if (s.ready) out["ready"] = *s.ready;
    if (s.wait_seconds) out["wait"] = *s.wait_seconds;
    if (!s.waiting_for.empty()) out["waiting_for"] = s.waiting_for;
    if (s.health) {
        out["health"] = json{{"last", s.health->last}, {"failures", s.health->failures}, {"checks", s.health->checks}};
    }
    json children = json::array();
    for (const ChildStatus& c : s.children) children.push_back(child_json(c));
    out["children"] = std::move(children);
    return out;
}

InstanceStatus instance_from(const json& j) {
    InstanceStatus s;
    s.id = j.at("id").get<std::string>();
    const std::string state = j.at("state").get<std::string>();
    const auto known = run_state_named(state);
    if (!known) throw std::invalid_argument("unknown state " + state);
    s.state = *known;
    s.pid = j.value("pid", 0);
    s.uptime_seconds = j.value("uptime", std::int64_t{0});
    s.restarts = j.value("restarts", std::uint64_t{0});
    s.last_exit = j.value("last_exit", std::string());
    s.last_error = j.value("last_error", std::string());
    if (j.contains("ready")) s.ready = j.at("ready").get<bool>();
    if (j.contains("wait")) s.wait_seconds = j.at("wait").get<std::int64_t>();
    if (j.contains("waiting_for")) s.waiting_for = j.at("waiting_for").get<std::vector<std::string>>();
    if (j.contains("health")) {
        const json& h = j.at("health");
        s.health = HealthStatus{h.value("last", std::string()), h.value("failures", std::int64_t{0}),
                                h.value("checks", std::uint64_t{0})};
    }
    if (j.contains("children")) {
        for (const json& c : j.at("children")) {
            const std::string role = c.at("role").get<std::string>();
            const auto known_role = child_role_named(role);
            if (!known_role) throw std::invalid_argument("unknown role " + role);
            ChildStatus child{*known_role, c.value("pid", 0), c.value("uptime", std::int64_t{0}), std::nullopt};
            if (c.contains("ready")) child.ready = c.at("ready").get<bool>();
            s.children.push_back(std::move(child));
        }
    }
    return s;
}

std::string duration(std::int64_t seconds) {
    if (seconds < 60) return std::to_string(seconds) + "s";
    if (seconds < 3600) return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
    if (seconds < 86400) return std::to_string(seconds / 3600) + "h" + std::to_string(seconds % 3600 / 60) + "m";
    return std::to_string(seconds / 86400) + "d" + std::to_string(seconds % 86400 / 3600) + "h";
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

}  // namespace

std::variant<Request, std::string> parse_request(std::string_view line) {
    try {
        const json j = json::parse(line);
        if (!j.is_object()) return std::string("a request is a JSON object");
        if (!j.contains("angel") || !j.at("angel").is_number_integer()) return std::string("no protocol version");
        if (j.at("angel").get<int>() != kVersion) {
            return "protocol version " + j.at("angel").dump() + " is not spoken here (this angel speaks " +
                   std::to_string(kVersion) + ")";
        }
        Request r;
        if (!j.contains("command") || !j.at("command").is_string()) return std::string("no command");
        r.command = j.at("command").get<std::string>();
        if (r.command != "status" && r.command != "restart" && r.command != "reload" && r.command != "signal" &&
            r.command != "metrics" && r.command != "stop" && r.command != "start") {
            return "unknown command " + r.command;
        }
        if (j.contains("ids")) {
            if (!j.at("ids").is_array()) return std::string("ids must be a list of strings");
            for (const json& id : j.at("ids")) {
                if (!id.is_string()) return std::string("ids must be a list of strings");
                r.ids.push_back(id.get<std::string>());
            }
        }
        if (r.command == "signal") {
            if (!j.contains("signal") || !j.at("signal").is_number_integer()) return std::string("signal: no signal");
            r.signal = j.at("signal").get<int>();
            if (r.signal < 1 || r.signal > SIGRTMAX) return "signal: no signal " + std::to_string(r.signal);
        }
        if ((r.command == "restart" || r.command == "signal" || r.command == "stop" || r.command == "start") &&
            r.ids.empty()) {
            return r.command + ": no program named";
        }
        return r;
    } catch (const std::exception& e) {
        return std::string("malformed request: ") + e.what();
    }
}

std::string render_request(const Request& request) {
    json j{{"angel", kVersion}, {"command", request.command}, {"ids", request.ids}};
    if (request.command == "signal") j["signal"] = request.signal;
    return dump(j);
}

std::string render_reply(const Reply& reply) {
    json j{{"angel", kVersion}, {"ok", reply.ok}};
    if (!reply.ok) {
        j["error"] = reply.text;
        return dump(j);
    }
    j["text"] = reply.text;
    json list = json::array();
    for (const InstanceStatus& s : reply.instances) list.push_back(instance_json(s));
    j["instances"] = std::move(list);
    return dump(j);
}

std::variant<Reply, std::string> parse_reply(std::string_view line) {
    try {
        const json j = json::parse(line);
        if (!j.is_object() || j.value("angel", 0) != kVersion) return std::string("not a version 1 reply");
        Reply r;
        r.ok = j.at("ok").get<bool>();
        r.text = r.ok ? j.value("text", std::string()) : j.value("error", std::string());
        if (j.contains("instances")) {
            for (const json& s : j.at("instances")) r.instances.push_back(instance_from(s));
        }
        return r;
    } catch (const std::exception& e) {
        return std::string("malformed reply: ") + e.what();
    }
}

std::string render_status_json(const std::vector<InstanceStatus>& instances) {
    json list = json::array();
    for (const InstanceStatus& s : instances) list.push_back(instance_json(s));
    return dump(list);
}

std::string render_status_lines(const std::vector<InstanceStatus>& instances) {
    std::size_t width = 2;
    for (const InstanceStatus& s : instances) width = std::max(width, s.id.size());
    std::string out;
    for (const InstanceStatus& s : instances) {
        std::string line = pad(s.id, width) + "  " + pad(std::string(name_of(s.state)), 8);
        line += "  " + pad(s.pid > 0 ? "pid " + std::to_string(s.pid) : "-", 10);
        if (s.pid > 0) line += "  up " + pad(duration(s.uptime_seconds), 6);
        if (s.wait_seconds) line += "  wait " + duration(*s.wait_seconds);
        if (!s.waiting_for.empty()) {
            std::string ids;
            for (const std::string& id : s.waiting_for) ids += (ids.empty() ? "" : ", ") + id;
            line += "  waiting for " + ids;
        }
        line += "  restarts " + std::to_string(s.restarts);
        if (!s.last_exit.empty()) line += "  last " + s.last_exit;
        if (s.ready) line += *s.ready ? "  ready" : "  not ready";
        if (s.health) {
            // "health ok", "health: 2 failed (connect: connection refused)", "health -" before the first check
            if (s.health->last.empty()) {
                line += "  health -";
            } else if (s.health->failures == 0) {
                line += "  health " + s.health->last;
            } else {
                line += "  health: " + std::to_string(s.health->failures) + " failed (" + s.health->last + ")";
            }
        }
        if (!s.last_error.empty()) line += "  error: " + s.last_error;
        out += line + "\n";
        if (s.children.size() > 1) {  // a rollout: every generation
            for (const ChildStatus& c : s.children) {
                out += pad("", width) + "    " + pad(std::string(name_of(c.role)), 8) + "  pid " + std::to_string(c.pid) + "  up " +
                       duration(c.uptime_seconds) + (c.ready ? (*c.ready ? "  ready" : "  not ready") : "") + "\n";
            }
        }
    }
    return out;
}

int parse_signal_name(std::string_view name) {
    if (name.empty()) return 0;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (name.size() > 3) return 0;
        const int n = std::stoi(std::string(name));
        return n >= 1 && n <= SIGRTMAX ? n : 0;
    }
    std::string upper;
    for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.starts_with("SIG")) upper.erase(0, 3);
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = ::sigabbrev_np(sig);
        if (abbrev != nullptr && upper == abbrev) return sig;
    }
    return 0;
}

}  // namespace angel::control

namespace angel {

std::optional<RunState> run_state_named(std::string_view name) {
    for (std::size_t i = 0; i < kRunStateNames.size(); ++i) {
        if (kRunStateNames[i] == name) return static_cast<RunState>(i);
    }
    return std::nullopt;
}

std::optional<ChildRole> child_role_named(std::string_view name) {
    for (std::size_t i = 0; i < kChildRoleNames.size(); ++i) {
        if (kChildRoleNames[i] == name) return static_cast<ChildRole>(i);
    }
    return std::nullopt;
}

}  // namespace angel
