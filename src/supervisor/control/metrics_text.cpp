// The text format, family by family: every sample of a family follows its # HELP and
// # TYPE lines (the format wants a family's samples together).
#include "supervisor/control/metrics_text.hpp"

#include <charconv>
#include <functional>

namespace angel::control {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

/// One label `name="value"`, escaped.
void label(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append("=\"").append(escape_label_value(value)).append("\"");
}

template <typename Number>
void sample_end(std::string& out, Number value) {
    out.append(" ").append(std::to_string(value)).append("\n");
}

/// `NAME{program="...",block="..."} VALUE` for one instance.
template <typename Number>
void program_sample(std::string& out, std::string_view name, const ProgramMetrics& p, Number value) {
    out.append(name).append("{");
    label(out, "program", p.status.id);
    out.append(",");
    label(out, "block", p.block);
    out.append("}");
    sample_end(out, value);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string render_metrics(const MetricsSnapshot& s) {
    std::string out;
    out.reserve(2048 + s.programs.size() * 700 + s.blocks.size() * 300);

    family(out, "angel_build_info", "gauge", "Always 1; the label says which angel runs.");
    out.append("angel_build_info{");
    label(out, "version", s.version);
    out.append("} 1\n");
    family(out, "angel_start_time_seconds", "gauge", "When angel started, in Unix seconds.");
    out.append("angel_start_time_seconds");
    sample_end(out, s.start_time_seconds);

    family(out, "angel_config_reloads_total", "counter",
           "Config loads (the first one included) by result: ok, or error (the last good config stays).");
    out.append("angel_config_reloads_total{result=\"ok\"}");
    sample_end(out, s.reloads_ok);
    out.append("angel_config_reloads_total{result=\"error\"}");
    sample_end(out, s.reloads_error);
    family(out, "angel_config_last_reload_successful", "gauge", "1 if the last config load succeeded, else 0.");
    out.append("angel_config_last_reload_successful");
    sample_end(out, s.last_reload_ok ? 1 : 0);
    family(out, "angel_config_last_reload_success_timestamp_seconds", "gauge",
           "When the config was last loaded successfully, in Unix seconds.");
    if (s.last_reload_success_seconds) {
        out.append("angel_config_last_reload_success_timestamp_seconds");
        sample_end(out, *s.last_reload_success_seconds);
    }

    auto each_program = [&](std::string_view name, std::string_view type, std::string_view help,
                            const std::function<void(const ProgramMetrics&)>& sample) {
        family(out, name, type, help);
        for (const ProgramMetrics& p : s.programs) sample(p);
    };
    each_program("angel_program_up", "gauge", "1 while a process of the program runs, else 0.",
                 [&](const ProgramMetrics& p) { program_sample(out, "angel_program_up", p, p.status.pid > 0 ? 1 : 0); });
    each_program("angel_program_done", "gauge",
                 "1 for a one-shot that ended well and that `restart` keeps ended, else 0.",
                 [&](const ProgramMetrics& p) {
                     program_sample(out, "angel_program_done", p, p.status.state == RunState::done ? 1 : 0);
                 });
    each_program("angel_program_stopped", "gauge", "1 while angelctl stop holds the program down, else 0.",
                 [&](const ProgramMetrics& p) {
                     program_sample(out, "angel_program_stopped", p, p.status.state == RunState::stopped ? 1 : 0);
                 });
    each_program("angel_program_ready", "gauge", "Served programs: 1 if the serving process said it is ready.",
                 [&](const ProgramMetrics& p) {
                     if (p.status.ready) program_sample(out, "angel_program_ready", p, *p.status.ready ? 1 : 0);
                 });
    each_program("angel_program_restarts_total", "counter", "Starts of the program since angel started, less the first.",
                 [&](const ProgramMetrics& p) { program_sample(out, "angel_program_restarts_total", p, p.status.restarts); });
    // Programs with `check` only (opt-in, issue 18's health checks).
    each_program("angel_program_check_failures_total", "counter",
                 "Programs with a check: failed health checks since angel started.",
                 [&](const ProgramMetrics& p) {
                     if (p.check_failures) program_sample(out, "angel_program_check_failures_total", p, *p.check_failures);
                 });
    each_program("angel_program_healthy", "gauge",
                 "Programs with a check: 0 after a failed check, 1 once one passes (and before the first).",
                 [&](const ProgramMetrics& p) {
                     if (p.status.health) program_sample(out, "angel_program_healthy", p, p.status.health->failures == 0 ? 1 : 0);
                 });
    each_program("angel_program_start_time_seconds", "gauge", "When the running process started, in Unix seconds.",
                 [&](const ProgramMetrics& p) {
                     if (p.status.start_time_seconds) {
                         program_sample(out, "angel_program_start_time_seconds", p, *p.status.start_time_seconds);
                     }
                 });
    each_program("angel_program_last_exit_status", "gauge",
                 "How the last process ended: its exit code, or 128 plus the signal that killed it.",
                 [&](const ProgramMetrics& p) {
                     if (auto code = p.status.last_exit_code) {
                         program_sample(out, "angel_program_last_exit_status", p, *code);
                     }
                 });
    each_program("angel_program_resident_memory_bytes", "gauge",
                 "Resident memory of the running process in bytes, read from /proc when scraped.",
                 [&](const ProgramMetrics& p) {
                     if (p.resident_bytes) program_sample(out, "angel_program_resident_memory_bytes", p, *p.resident_bytes);
                 });

    family(out, "angel_rollouts_total", "counter",
           "Served blocks: rollouts done, and new instances that failed to become ready.");
    for (const BlockMetrics& b : s.blocks) {
        for (const auto& [outcome, count] : {std::pair{"done", b.rollouts_done}, std::pair{"failed", b.rollouts_failed}}) {
            out.append("angel_rollouts_total{");
            label(out, "block", b.block);
            out.append(",outcome=\"").append(outcome).append("\"}");
            sample_end(out, count);
        }
    }
    family(out, "angel_rollout_in_progress", "gauge", "Served blocks: 1 while a rollout is under way.");
    for (const BlockMetrics& b : s.blocks) {
        out.append("angel_rollout_in_progress{");
        label(out, "block", b.block);
        out.append("}");
        sample_end(out, b.rollout_in_progress ? 1 : 0);
    }
    return out;
}

}  // namespace angel::control
