// Angel.Config.modifyProg, with the reference's choice of which error wins.
#include "supervisor/spec/program_keys.hpp"

#include <cstdint>
#include <limits>

#include "supervisor/spec/env_order.hpp"
#include "supervisor/spec/rounding.hpp"

namespace angel {
namespace {

using configurator::Value;

constexpr std::string_view kEnvPrefix = "env.";

/// `env.NAME` (the reference matches the prefix `env.` alone, as here).
bool is_env_key(std::string_view local) { return local.starts_with(kEnvPrefix); }

/// The error kind of a string-only field, or nullopt when `local` is not one.
std::optional<SpecErrorKind> string_field_error(std::string_view local) {
    if (local == "exec") return SpecErrorKind::exec_type;
    if (local == "stdout") return SpecErrorKind::stdout_type;
    if (local == "stderr") return SpecErrorKind::stderr_type;
    if (local == "directory") return SpecErrorKind::directory_type;
    if (local == "logger") return SpecErrorKind::logger_type;
    if (local == "pidfile") return SpecErrorKind::pidfile_type;
    if (is_env_key(local)) return SpecErrorKind::env_type;
    return std::nullopt;
}

/// Applies one key already known to be valid.
void apply_key(ProgramDraft& draft, const std::string& local, const Value& value) {
    ProgramSpec& spec = draft.spec;
    if (local == "exec") {
        draft.exec = value.as_string();
    } else if (local == "delay") {
        spec.delay = round_half_even(value.as_number());
    } else if (local == "stdout") {
        spec.stdout_path = value.as_string();
    } else if (local == "stderr") {
        spec.stderr_path = value.as_string();
    } else if (local == "directory") {
        spec.directory = value.as_string();
    } else if (local == "logger") {
        spec.logger = value.as_string();
    } else if (local == "pidfile") {
        spec.pidfile = value.as_string();
    } else if (is_env_key(local)) {
        draft.env.insert_or_assign(local.substr(kEnvPrefix.size()), value.as_string());
    } else if (is_serve_key(local)) {
        draft.serve_keys.insert_or_assign(local, value);
    } else if (is_operate_key(local)) {
        draft.operate_keys.insert_or_assign(local, value);
    } else if (local == kGroupKey && value.is_string()) {
        draft.group = std::string(value.as_string());
    } else if (local == "termgrace") {
        // `off`/`false` and an exact 0 mean no grace; 0 < n <= 0.5 rounds to a 0 s grace.
        if (value.is_number() && value.as_number() != 0) {
            spec.termgrace = round_half_even(value.as_number());
        } else {
            spec.termgrace.reset();
        }
    }
}

}  // namespace

std::optional<SpecErrorKind> key_error(std::string_view local, const Value& value) {
    if (const auto kind = string_field_error(local)) {
        if (value.is_string()) return std::nullopt;
        return kind;
    }
    if (local == "delay") {
        if (!value.is_number()) return SpecErrorKind::delay_type;
        if (value.as_number() < 0) return SpecErrorKind::delay_negative;
        return std::nullopt;
    }
    if (local == "termgrace") {
        if (value.is_bool() && !value.as_bool()) return std::nullopt;
        if (!value.is_number()) return SpecErrorKind::termgrace_type;
        if (value.as_number() < 0) return SpecErrorKind::termgrace_negative;
        return std::nullopt;
    }
    return std::nullopt;
}

std::variant<ProgramDrafts, SpecError> build_programs(const ProgramKeyGroups& groups) {
    // The reference folds over the map in hash-map order and stops at the first
    // failing key; find that key without depending on the walk order.
    std::optional<SpecErrorKind> first_error;
    std::uint64_t first_rank = std::numeric_limits<std::uint64_t>::max();
    for (const auto& [id, keys] : groups) {
        for (const auto& [local, value] : keys) {
            const auto error = key_error(local, value);
            if (!error) continue;
            const std::uint64_t rank = hash_map_rank(id + "." + local);
            if (!first_error || rank < first_rank) {
                first_error = error;
                first_rank = rank;
            }
        }
    }
    if (first_error) return SpecError{spec_error_text(*first_error)};

    ProgramDrafts drafts;
    for (const auto& [id, keys] : groups) {
        ProgramDraft& draft = drafts[id];  // any key, even an unknown one, makes a program
        draft.spec.id = id;
        for (const auto& [local, value] : keys) apply_key(draft, local, value);
    }
    return drafts;
}

}  // namespace angel
