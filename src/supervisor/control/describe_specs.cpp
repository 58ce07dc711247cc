#include "supervisor/control/describe_specs.hpp"

#include <string.h>

#include "supervisor/spec/policy_keys.hpp"

#include <cstdio>

#include "supervisor/spec/serve_spec.hpp"

namespace angel::control {
namespace {

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string octal(unsigned mode) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04o", mode);
    return buffer;
}

std::string ready_text(const ReadySpec& r) {
    switch (r.kind) {
        case ReadySpec::Kind::seconds:
            return std::to_string(r.value);
        case ReadySpec::Kind::notify:
            return "\"notify\"";
        case ReadySpec::Kind::fd:
            return "\"fd:" + std::to_string(r.value) + "\"";
    }
    return {};
}

}  // namespace

std::string describe_specs(const ProgramSpecs& specs) {
    std::string out;
    auto line = [&](std::string_view key, const std::string& value) {
        out += "  ";
        out += key;
        out += " = " + value + "\n";
    };
    for (const auto& [id, s] : specs) {
        out += id + "\n";
        line("exec", quoted(s.exec));
        line("delay", s.delay ? std::to_string(*s.delay) : std::to_string(kDefaultDelay) + "  (default)");
        if (s.maxdelay) line("maxdelay", std::to_string(*s.maxdelay));
        line("stdout", s.stdout_path ? quoted(*s.stdout_path) : "/dev/null  (default)");
        line("stderr", s.stderr_path ? quoted(*s.stderr_path) : "/dev/null  (default)");
        if (s.directory) line("directory", quoted(*s.directory));
        if (s.logger) line("logger", quoted(*s.logger));
        if (s.pidfile) line("pidfile", quoted(*s.pidfile));
        if (s.termgrace) line("termgrace", std::to_string(*s.termgrace));
        if (s.killgroup) line("killgroup", "on");
        if (s.stopsignal != kDefaultStopSignal) {
            const char* name = ::sigabbrev_np(s.stopsignal);
            line("stopsignal", quoted(name != nullptr ? name : std::to_string(s.stopsignal)));
        }
        if (s.restart != RestartPolicy::always) {
            line("restart", quoted(std::string(name_of(s.restart))));
            std::string ok;
            for (int status : s.okexit) ok += (ok.empty() ? "" : ", ") + std::to_string(status);
            line("okexit", s.okexit.size() == 1 ? ok : "[" + ok + "]");
        }
        if (s.critical) line("critical", "on");
        if (!s.after.empty()) {
            std::string names;
            for (const std::string& name : s.after) names += (names.empty() ? "" : ", ") + quoted(name);
            line("after", s.after.size() == 1 ? names : "[" + names + "]");
        }
        if (s.check) {
            const CheckSpec& c = *s.check;
            line("check", quoted(c.text));
            line("checkevery", std::to_string(c.every) + (c.every == CheckSpec{}.every ? "  (default)" : ""));
            line("checktimeout", std::to_string(c.timeout) + (c.timeout == CheckSpec{}.timeout ? "  (default)" : ""));
            line("checkfails", std::to_string(c.fails) + (c.fails == CheckSpec{}.fails ? "  (default)" : ""));
        }
        if (s.watchdog) line("watchdog", std::to_string(*s.watchdog));
        for (const auto& [name, value] : s.env) line("env." + name, quoted(value));
        if (s.serve) {
            const ServeSpec& v = *s.serve;
            std::string listen;
            for (const ListenAddress& a : v.listen) listen += (listen.empty() ? "" : ", ") + quoted(a.text);
            if (!v.listen.empty()) line("listen", "[" + listen + "]");
            bool unix_socket = false;
            for (const ListenAddress& a : v.listen) unix_socket |= a.kind == ListenAddress::Kind::unix_path;
            if (unix_socket) line("socketmode", quoted(octal(v.socketmode)));
            line("ready", ready_text(effective_ready(v)) + (v.ready ? "" : "  (default)"));
            if (v.notify_all) line("notifyaccess", quoted("all"));
            line("readytimeout", std::to_string(v.readytimeout) + (v.readytimeout == kDefaultReadyTimeout ? "  (default)" : ""));
            line("surge", std::to_string(effective_surge(v)) + (v.surge ? "" : "  (default)"));
            if (v.maxage) line("maxage", std::to_string(*v.maxage));
            if (v.maxrss) line("maxrss", std::to_string(*v.maxrss));
        }
    }
    return out;
}

}  // namespace angel::control
