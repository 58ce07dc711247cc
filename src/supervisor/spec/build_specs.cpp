// The angel layer's pipeline (spec 4.1 steps 2-5): count expansion, program keys,
// tilde expansion, validation; the first failing stage's error wins (4.8).
#include "supervisor/spec/build_specs.hpp"

#include <utility>

#include "supervisor/spec/count_expansion.hpp"
#include "supervisor/spec/env_order.hpp"
#include "supervisor/spec/program_keys.hpp"
#include "supervisor/spec/spec_errors.hpp"
#include "supervisor/spec/tilde.hpp"

namespace angel {
namespace {

/// Expands one optional path field in place; false for an unknown user.
bool expand_field(std::optional<std::string>& field, const HomeLookup& homes) {
    if (!field) return true;
    auto expanded = expand_tilde(*field, homes);
    if (!expanded) return false;
    field = std::move(*expanded);
    return true;
}

/// Tilde expansion of exec, stdout, stderr, directory and pidfile (not logger, not
/// env), programs in sorted id order, fields in the reference's order.
std::optional<SpecError> expand_paths(ProgramDrafts& drafts, const HomeLookup& homes) {
    for (auto& [id, draft] : drafts) {
        ProgramSpec& spec = draft.spec;
        if (!expand_field(draft.exec, homes) || !expand_field(spec.stdout_path, homes) ||
            !expand_field(spec.stderr_path, homes) || !expand_field(spec.directory, homes) ||
            !expand_field(spec.pidfile, homes)) {
            return SpecError{std::string(kNoSuchUserText)};
        }
    }
    return std::nullopt;
}

/// The validation of spec 4.7, programs in sorted id order.
std::optional<SpecError> validate(const ProgramDrafts& drafts) {
    for (const auto& [id, draft] : drafts) {
        if (!draft.exec) return SpecError{spec_error_text(SpecErrorKind::missing_exec, id)};
        const ProgramSpec& spec = draft.spec;
        if (spec.logger && (spec.stdout_path || spec.stderr_path)) {
            return SpecError{spec_error_text(SpecErrorKind::logger_with_output, id)};
        }
    }
    return std::nullopt;
}

/// The serve keys, checked after everything the original checks (it ignores them).
std::optional<SpecError> build_serves(ProgramDrafts& drafts) {
    for (auto& [id, draft] : drafts) {
        if (auto error = apply_operate_keys(id, draft.operate_keys, draft.spec)) return SpecError{std::move(*error)};
        const std::string watchdog_error = id + ": 'watchdog' needs ready = \"notify\"";
        if (draft.serve_keys.empty()) {
            if (draft.spec.watchdog) return SpecError{watchdog_error};
            continue;
        }
        auto serve = build_serve(id, draft.group.value_or(id), draft.serve_keys);
        if (auto* error = std::get_if<std::string>(&serve)) return SpecError{std::move(*error)};
        draft.spec.serve = std::move(std::get<ServeSpec>(serve));
        // The keep-alives come on the notify socket: no other readiness has one.
        if (draft.spec.watchdog && effective_ready(*draft.spec.serve).kind != ReadySpec::Kind::notify) {
            return SpecError{watchdog_error};
        }
        // A served program is replaced, never left ended: the policy keys are for plain ones.
        if (draft.operate_keys.contains("restart") || draft.operate_keys.contains("okexit")) {
            return SpecError{id + ": 'restart' and 'okexit' are for programs without serve keys"};
        }
        // Nor does it end for good: a served program `critical` could never fire.
        if (draft.operate_keys.contains("critical")) {
            return SpecError{id + ": 'critical' is for programs without serve keys"};
        }
    }
    return std::nullopt;
}

ProgramSpecs finish(ProgramDrafts& drafts) {
    ProgramSpecs specs;
    for (auto& [id, draft] : drafts) {
        ProgramSpec spec = std::move(draft.spec);
        spec.exec = std::move(*draft.exec);
        spec.env = logged_env_order(id, draft.env);
        specs.emplace_hint(specs.end(), id, std::move(spec));
    }
    return specs;
}

}  // namespace

std::variant<ProgramSpecs, SpecError> build_specs(const configurator::Map& map,
                                                  const HomeLookup& homes) {
    auto expanded = expand_counts(group_by_program(map));
    if (auto* error = std::get_if<SpecError>(&expanded)) return std::move(*error);

    auto built = build_programs(std::get<ProgramKeyGroups>(expanded));
    if (auto* error = std::get_if<SpecError>(&built)) return std::move(*error);
    ProgramDrafts& drafts = std::get<ProgramDrafts>(built);

    if (auto error = expand_paths(drafts, homes)) return std::move(*error);
    if (auto error = validate(drafts)) return std::move(*error);
    if (auto error = build_serves(drafts)) return std::move(*error);
    ProgramSpecs specs = finish(drafts);
    if (auto error = shared_listen_error(specs)) return SpecError{std::move(*error)};
    return specs;
}

}  // namespace angel
