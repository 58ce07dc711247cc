#include "supervisor/decide/health.hpp"

namespace angel {

CheckVerdict count_check(std::int64_t& failures, bool ok, std::int64_t checkfails) {
    if (ok) {
        failures = 0;
        return CheckVerdict::healthy;
    }
    ++failures;
    return failures == checkfails ? CheckVerdict::unhealthy : CheckVerdict::failing;
}

std::chrono::milliseconds check_offset(std::string_view id, std::int64_t every) {
    // FNV-1a of the id: the same offset at every start, spread evenly across ids.
    std::uint64_t hash = 14695981039346656037ull;
    for (char c : id) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    const auto period = static_cast<std::uint64_t>(every > 0 ? every : 1) * 1000;
    return std::chrono::milliseconds(static_cast<std::int64_t>(hash % period));
}

std::chrono::milliseconds first_check_after(std::string_view id, const CheckSpec& check, bool served) {
    const std::chrono::milliseconds offset = check_offset(id, check.every);
    return served ? offset : std::chrono::seconds(check.every) + offset;
}

std::string unhealthy_reason(std::int64_t failures) {
    return std::to_string(failures) + (failures == 1 ? " check failed" : " checks failed in a row");
}

}  // namespace angel
