// Checking and building the serve keys: one clear line per bad value.
#include "supervisor/spec/serve_keys.hpp"

#include <array>
#include <charconv>
#include <unordered_map>

#include "supervisor/spec/check_keys.hpp"
#include "supervisor/spec/rounding.hpp"
#include "supervisor/spec/policy_keys.hpp"

namespace angel {
namespace {

using configurator::Value;

constexpr std::array<std::string_view, 8> kServeKeys = {"listen", "socketmode", "ready",  "readytimeout",
                                                        "surge",  "maxage",     "maxrss", "notifyaccess"};
constexpr std::array<std::string_view, 12> kOperateKeys = {"killgroup",  "maxdelay", "stopsignal", "restart",
                                                           "okexit",     "critical", "after",      "check",
                                                           "checkevery", "checktimeout", "checkfails", "watchdog"};

std::string error_of(const std::string& id, std::string_view key, std::string_view what) {
    std::string text = id;
    text += ": '";
    text += key;
    text += "' ";
    text += what;
    return text;
}

/// A number of at least `minimum` once rounded (seconds, MiB, instances).
std::variant<std::int64_t, std::string> whole_number(const std::string& id, std::string_view key, const Value& value,
                                                     std::int64_t minimum) {
    const std::string what = minimum == 0 ? "must be a number, 0 or more" : "must be a number, 1 or more";
    if (!value.is_number() || value.as_number() < 0) return error_of(id, key, what);
    const std::int64_t rounded = round_half_even(value.as_number());
    if (rounded < minimum || rounded > (std::int64_t{1} << 40)) return error_of(id, key, what);
    return rounded;
}

std::variant<std::vector<ListenAddress>, std::string> listen_of(const std::string& id, const Value& value) {
    std::vector<const Value*> entries;
    if (value.is_string()) {
        entries.push_back(&value);
    } else if (value.is_list() && !value.as_list().empty()) {
        for (const Value& v : value.as_list()) entries.push_back(&v);
    } else {
        return error_of(id, "listen", "must be a string or a non-empty list of strings");
    }
    std::vector<ListenAddress> out;
    for (const Value* v : entries) {
        if (!v->is_string()) return error_of(id, "listen", "must be a string or a non-empty list of strings");
        const std::string text(v->as_string());
        auto address = parse_listen_address(text);
        if (!address) {
            return error_of(id, "listen",
                            "has \"" + text + "\": not PORT, IPV4:PORT, [IPV6]:PORT or an absolute socket path");
        }
        for (const ListenAddress& seen : out) {
            if (seen.text == text) return error_of(id, "listen", "lists \"" + text + "\" twice");
        }
        out.push_back(std::move(*address));
    }
    return out;
}

std::variant<unsigned, std::string> mode_of(const std::string& id, const Value& value) {
    const char* what = "must be an octal mode in a string, such as \"0660\"";
    if (!value.is_string()) return error_of(id, "socketmode", what);
    const std::string_view text = value.as_string();
    unsigned mode = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), mode, 8);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || mode > 0777) {
        return error_of(id, "socketmode", what);
    }
    return mode;
}

std::variant<ReadySpec, std::string> ready_of(const std::string& id, const Value& value, std::size_t listen_fds) {
    const char* what = "must be \"notify\", \"fd:N\" (N at least 3, not a listen descriptor) or a number of seconds";
    if (value.is_number()) {
        auto seconds = whole_number(id, "ready", value, 0);
        if (auto* e = std::get_if<std::string>(&seconds)) return std::move(*e);
        return ReadySpec{ReadySpec::Kind::seconds, std::get<std::int64_t>(seconds)};
    }
    if (!value.is_string()) return error_of(id, "ready", what);
    const std::string_view text = value.as_string();
    if (text == "notify") return ReadySpec{ReadySpec::Kind::notify, 0};
    if (text.starts_with("fd:")) {
        int fd = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data() + 3, end, fd);
        if (ec == std::errc{} && ptr == end && fd >= 3 && fd < 1024 &&
            static_cast<std::size_t>(fd) >= 3 + listen_fds) {
            return ReadySpec{ReadySpec::Kind::fd, fd};
        }
    }
    return error_of(id, "ready", what);
}

/// `check` and its timings: each timing at least 1, and none without a `check`.
std::optional<std::string> apply_check_keys(const std::string& id, const ServeKeys& keys, ProgramSpec& spec) {
    auto it = keys.find("check");
    if (it == keys.end()) {
        for (std::string_view key : {"checkevery", "checktimeout", "checkfails"}) {
            if (keys.contains(key)) return error_of(id, key, "needs a 'check'");
        }
        return std::nullopt;
    }
    auto check = it->second.is_string() ? check_of(it->second.as_string()) : std::nullopt;
    if (!check) return error_of(id, "check", kCheckForms);
    for (auto [key, field] : {std::pair<std::string_view, std::int64_t*>{"checkevery", &check->every},
                              {"checktimeout", &check->timeout},
                              {"checkfails", &check->fails}}) {
        auto found = keys.find(key);
        if (found == keys.end()) continue;
        auto n = whole_number(id, key, found->second, 1);
        if (auto* e = std::get_if<std::string>(&n)) return std::move(*e);
        *field = std::get<std::int64_t>(n);
    }
    spec.check = std::move(*check);
    return std::nullopt;
}

}  // namespace

bool is_serve_key(std::string_view local) {
    for (std::string_view key : kServeKeys) {
        if (key == local) return true;
    }
    return false;
}

bool is_operate_key(std::string_view local) {
    for (std::string_view key : kOperateKeys) {
        if (key == local) return true;
    }
    return false;
}

std::optional<std::string> apply_operate_keys(const std::string& id, const ServeKeys& keys, ProgramSpec& spec) {
    if (auto it = keys.find("killgroup"); it != keys.end()) {
        if (!it->second.is_bool()) return error_of(id, "killgroup", "must be on or off");
        spec.killgroup = it->second.as_bool();
    }
    if (auto it = keys.find("maxdelay"); it != keys.end()) {
        auto n = whole_number(id, "maxdelay", it->second, 1);
        if (auto* e = std::get_if<std::string>(&n)) return std::move(*e);
        spec.maxdelay = std::get<std::int64_t>(n);
    }
    if (auto it = keys.find("stopsignal"); it != keys.end()) {
        const auto sig = it->second.is_string() ? stop_signal_number(it->second.as_string()) : std::nullopt;
        if (!sig) {
            return error_of(id, "stopsignal",
                            "must be \"TERM\", \"QUIT\", \"INT\", \"HUP\", \"USR1\", \"USR2\" or \"WINCH\"");
        }
        spec.stopsignal = *sig;
    }
    if (auto it = keys.find("restart"); it != keys.end()) {
        const auto policy = it->second.is_string() ? restart_policy_of(it->second.as_string()) : std::nullopt;
        if (!policy) return error_of(id, "restart", "must be \"always\", \"on-failure\" or \"never\"");
        spec.restart = *policy;
    }
    if (auto it = keys.find("okexit"); it != keys.end()) {
        auto statuses = okexit_of(it->second);
        if (!statuses) return error_of(id, "okexit", "must be an exit status (0 to 255) or a non-empty list of them");
        spec.okexit = std::move(*statuses);
    }
    if (auto it = keys.find("critical"); it != keys.end()) {
        if (!it->second.is_bool()) return error_of(id, "critical", "must be on or off");
        spec.critical = it->second.as_bool();
    }
    if (auto it = keys.find("after"); it != keys.end()) {
        auto names = after_names_of(it->second);
        if (!names) return error_of(id, "after", "must be a program id or a non-empty list of them");
        spec.after = std::move(*names);
    }
    if (auto it = keys.find("watchdog"); it != keys.end()) {
        auto n = whole_number(id, "watchdog", it->second, 1);
        if (auto* e = std::get_if<std::string>(&n)) return std::move(*e);
        spec.watchdog = std::get<std::int64_t>(n);
    }
    return apply_check_keys(id, keys, spec);
}

std::variant<ServeSpec, std::string> build_serve(const std::string& id, const std::string& group,
                                                 const ServeKeys& keys) {
    ServeSpec serve;
    serve.group = group;
    // Keys in a fixed order, so the error reported does not depend on the map's.
    if (auto it = keys.find("listen"); it != keys.end()) {
        auto listen = listen_of(id, it->second);
        if (auto* e = std::get_if<std::string>(&listen)) return std::move(*e);
        serve.listen = std::move(std::get<std::vector<ListenAddress>>(listen));
    }
    if (auto it = keys.find("socketmode"); it != keys.end()) {
        auto mode = mode_of(id, it->second);
        if (auto* e = std::get_if<std::string>(&mode)) return std::move(*e);
        serve.socketmode = std::get<unsigned>(mode);
    }
    if (auto it = keys.find("ready"); it != keys.end()) {
        auto ready = ready_of(id, it->second, serve.listen.size());
        if (auto* e = std::get_if<std::string>(&ready)) return std::move(*e);
        serve.ready = std::get<ReadySpec>(ready);
    }
    if (auto it = keys.find("notifyaccess"); it != keys.end()) {
        const Value& v = it->second;
        if (!v.is_string() || (v.as_string() != "main" && v.as_string() != "all")) {
            return error_of(id, "notifyaccess", "must be \"main\" or \"all\"");
        }
        if (!serve.ready || serve.ready->kind != ReadySpec::Kind::notify) {
            return error_of(id, "notifyaccess", "needs ready = \"notify\"");
        }
        serve.notify_all = v.as_string() == "all";
    }
    struct NumberKey {
        std::string_view key;
        std::int64_t minimum;
        std::optional<std::int64_t>* field;
    };
    std::optional<std::int64_t> readytimeout;
    for (const NumberKey& k : {NumberKey{"readytimeout", 1, &readytimeout}, NumberKey{"surge", 0, &serve.surge},
                               NumberKey{"maxage", 1, &serve.maxage}, NumberKey{"maxrss", 1, &serve.maxrss}}) {
        auto it = keys.find(k.key);
        if (it == keys.end()) continue;
        auto n = whole_number(id, k.key, it->second, k.minimum);
        if (auto* e = std::get_if<std::string>(&n)) return std::move(*e);
        *k.field = std::get<std::int64_t>(n);
    }
    serve.readytimeout = readytimeout.value_or(kDefaultReadyTimeout);
    return serve;
}

std::optional<std::string> shared_listen_error(const ProgramSpecs& specs) {
    // One pass: address -> the first block that lists it (instances of one block share).
    std::unordered_map<std::string_view, const ProgramSpec*> owners;
    for (const auto& [id, spec] : specs) {
        if (!spec.serve) continue;
        for (const ListenAddress& address : spec.serve->listen) {
            auto [it, fresh] = owners.emplace(address.text, &spec);
            if (!fresh && it->second->serve->group != spec.serve->group) {
                return it->second->id + " and " + id + " both listen on \"" + address.text +
                       "\": an address belongs to one program";
            }
        }
    }
    return std::nullopt;
}

}  // namespace angel
