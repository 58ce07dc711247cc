// Angel.Config.expandByCount, on grouped keys.
#include "supervisor/spec/count_expansion.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "supervisor/spec/env_order.hpp"
#include "supervisor/spec/rounding.hpp"
#include "supervisor/spec/spec_errors.hpp"

namespace angel {
namespace {

using configurator::Value;

/// The count error of one program, if its `count` is bad.
std::optional<SpecErrorKind> count_error(const ProgramKeys& keys) {
    const auto count = keys.find("count");
    if (count == keys.end()) return std::nullopt;
    if (!count->second.is_number()) return SpecErrorKind::count_type;
    if (count->second.as_number() < 0) return SpecErrorKind::count_negative;
    return std::nullopt;
}

/// Instance k of a program: every key but `count`, pidfile renamed, process number set.
ProgramKeys instance_keys(const std::string& id, const ProgramKeys& keys, std::int64_t k) {
    ProgramKeys out;
    for (const auto& [local, value] : keys) {
        if (local == "count") continue;
        if (local == "pidfile" && value.is_string()) {
            out.emplace(local, Value{rename_pidfile(value.as_string(), k)});
        } else {
            out.emplace(local, value);
        }
    }
    out.insert_or_assign("env.ANGEL_PROCESS_NUMBER", Value{std::to_string(k)});
    out.insert_or_assign(std::string(kGroupKey), Value{id});
    return out;
}

/// Adds a program's keys to the result; keys already there (from programs later in
/// hash-map order) are kept.
void merge_keys(ProgramKeyGroups& result, const std::string& id, ProgramKeys keys) {
    ProgramKeys& target = result[id];
    for (auto& [local, value] : keys) target.try_emplace(local, std::move(value));
}

}  // namespace

ProgramKeyGroups group_by_program(const configurator::Map& map) {
    ProgramKeyGroups groups;
    for (const auto& [key, value] : map) {
        const std::size_t dot = key.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) continue;
        groups[key.substr(0, dot)].insert_or_assign(key.substr(dot + 1), value);
    }
    return groups;
}

std::string rename_pidfile(std::string_view path, std::int64_t k) {
    const std::size_t dot = std::min(path.find('.'), path.size());
    std::string out(path.substr(0, dot));
    out += '-';
    out += std::to_string(k);
    out += path.substr(dot);
    return out;
}

std::variant<ProgramKeyGroups, SpecError> expand_counts(const ProgramKeyGroups& groups) {
    // The reference builds its list of expansions back to front (last id in hash-map
    // order first) and forces it from the front: walk in descending hash-map order.
    std::vector<std::pair<std::uint64_t, const ProgramKeyGroups::value_type*>> ranked;
    ranked.reserve(groups.size());
    for (const auto& group : groups) ranked.emplace_back(hash_map_rank(group.first), &group);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });

    for (const auto& [rank, group] : ranked) {
        if (const auto error = count_error(group->second)) return SpecError{spec_error_text(*error)};
    }

    ProgramKeyGroups result;
    for (const auto& [rank, group] : ranked) {
        const auto& [id, keys] = *group;
        const auto count = keys.find("count");
        if (count == keys.end()) {
            merge_keys(result, id, keys);
            continue;
        }
        const std::int64_t instances = count_instances(count->second.as_number());
        for (std::int64_t k = 1; k <= instances; ++k) {
            merge_keys(result, id + "-" + std::to_string(k), instance_keys(id, keys, k));
        }
    }
    return result;
}

}  // namespace angel
