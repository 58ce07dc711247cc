// Closed lists, not every signal or word: KILL, STOP and the like cannot stop a
// program gracefully, and a typo must be an error, not a silent default.
#include "supervisor/spec/policy_keys.hpp"

#include <signal.h>

#include <algorithm>
#include <array>
#include <utility>

namespace angel {
namespace {

std::optional<int> exit_status_of(const configurator::Value& value) {
    if (!value.is_number()) return std::nullopt;
    const configurator::Rational n = value.as_number();
    if (n < 0 || n > 255 || boost::multiprecision::denominator(n) != 1) return std::nullopt;
    return boost::multiprecision::numerator(n).convert_to<int>();
}

}  // namespace

static_assert(kDefaultStopSignal == SIGTERM);

std::optional<int> stop_signal_number(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, int>, 7> kSignals = {{
        {"TERM", SIGTERM},
        {"QUIT", SIGQUIT},
        {"INT", SIGINT},
        {"HUP", SIGHUP},
        {"USR1", SIGUSR1},
        {"USR2", SIGUSR2},
        {"WINCH", SIGWINCH},
    }};
    for (const auto& [n, sig] : kSignals) {
        if (n == name) return sig;
    }
    return std::nullopt;
}

std::optional<RestartPolicy> restart_policy_of(std::string_view name) {
    for (RestartPolicy p : {RestartPolicy::always, RestartPolicy::on_failure, RestartPolicy::never}) {
        if (name_of(p) == name) return p;
    }
    return std::nullopt;
}

std::string_view name_of(RestartPolicy policy) {
    switch (policy) {
        case RestartPolicy::always: return "always";
        case RestartPolicy::on_failure: return "on-failure";
        case RestartPolicy::never: return "never";
    }
    return "?";
}

std::optional<std::vector<int>> okexit_of(const configurator::Value& value) {
    std::vector<int> out;
    if (value.is_list()) {
        if (value.as_list().empty()) return std::nullopt;
        for (const configurator::Value& v : value.as_list()) {
            const auto status = exit_status_of(v);
            if (!status) return std::nullopt;
            out.push_back(*status);
        }
        return out;
    }
    const auto status = exit_status_of(value);
    if (!status) return std::nullopt;
    out.push_back(*status);
    return out;
}

std::optional<std::vector<std::string>> after_names_of(const configurator::Value& value) {
    std::vector<std::string> out;
    auto add = [&out](const configurator::Value& v) {
        if (!v.is_string() || v.as_string().empty()) return false;
        out.emplace_back(v.as_string());
        return true;
    };
    if (value.is_list()) {
        if (value.as_list().empty()) return std::nullopt;
        for (const configurator::Value& v : value.as_list()) {
            if (!add(v)) return std::nullopt;
        }
    } else if (!add(value)) {
        return std::nullopt;
    }
    // Sorted and once each: `["a", "b"]` and `["b", "a"]` are one spec, not a change.
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace angel
