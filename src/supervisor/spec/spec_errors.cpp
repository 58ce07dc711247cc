// The reference's error texts and the source positions of their `error` calls.
#include "supervisor/spec/spec_errors.hpp"

#include <array>

namespace angel {
namespace {

struct ErrorRow {
    SpecErrorKind kind;
    std::string_view message;   ///< after the program id for the two validation rows
    std::string_view position;  ///< LINE:COL in src/Angel/Config.hs
};

// Indexed by SpecErrorKind; spec section 3.5.
constexpr std::array<ErrorRow, 15> kRows = {{
    {SpecErrorKind::missing_exec, " does not have an 'exec' specification", "94:37"},
    {SpecErrorKind::logger_with_output, " cannot have both a logger process and stderr/stdout",
     "96:58"},
    {SpecErrorKind::exec_type, "wrong type for field 'exec'; string required", "100:25"},
    {SpecErrorKind::delay_negative, "delay value must be >= 0", "102:50"},
    {SpecErrorKind::delay_type, "wrong type for field 'delay'; integer", "104:26"},
    {SpecErrorKind::stdout_type, "wrong type for field 'stdout'; string required", "107:27"},
    {SpecErrorKind::stderr_type, "wrong type for field 'stderr'; string required", "110:27"},
    {SpecErrorKind::directory_type, "wrong type for field 'directory'; string required",
     "113:30"},
    {SpecErrorKind::logger_type, "wrong type for field 'logger'; string required", "116:27"},
    {SpecErrorKind::pidfile_type, "wrong type for field 'pidfile'; string required", "119:28"},
    {SpecErrorKind::env_type, "wrong type for env field; string required", "123:38"},
    {SpecErrorKind::termgrace_negative, "termgrace if it is a number must be >= 1", "126:50"},
    {SpecErrorKind::termgrace_type,
     "wrong type for field 'termgrace'; number or boolean false required", "129:30"},
    {SpecErrorKind::count_negative, "count must be >= 0", "172:33"},
    {SpecErrorKind::count_type, "count must be a number or not specified", "173:37"},
}};

constexpr bool rows_in_enum_order() {
    for (std::size_t i = 0; i < kRows.size(); ++i) {
        if (static_cast<std::size_t>(kRows[i].kind) != i) return false;
    }
    return true;
}
static_assert(rows_in_enum_order(), "kRows must follow the order of SpecErrorKind");

}  // namespace

std::string spec_error_text(SpecErrorKind kind, std::string_view id) {
    const ErrorRow& row = kRows[static_cast<std::size_t>(kind)];
    std::string text;
    if (kind == SpecErrorKind::missing_exec || kind == SpecErrorKind::logger_with_output) {
        text += id;
    }
    text += row.message;
    text += "\nCallStack (from HasCallStack):\n  error, called at src/Angel/Config.hs:";
    text += row.position;
    text += " in main:Angel.Config";
    return text;
}

}  // namespace angel
