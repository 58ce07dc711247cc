// `after`: which programs start before which, and stop after which. Pure: the names
// resolved against a program set, the graph checked for a cycle, the orders and the
// waiting set computed from it. The engine carries them out (sync_run.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// The ids `name` stands for in `specs`: the id itself, else every instance of the
/// block of that name (`count`: NAME-1, NAME-2...; a served block). Empty: none.
std::vector<std::string> ids_named(const ProgramSpecs& specs, const std::string& name);

/// Per program with `after`, the ids it waits for (every name resolved), sorted, once each.
using AfterGraph = std::map<std::string, std::vector<std::string>>;

/// The graph of `specs`, or the one-line config error: a name that is no program, or a
/// cycle (`a -> b -> a`). O(n + e) once the names are resolved.
std::variant<AfterGraph, std::string> after_graph(const ProgramSpecs& specs);

/// The config error of `specs`'s `after` keys, if any (after_graph's).
std::optional<std::string> after_error(const ProgramSpecs& specs);

/// `ids` ordered so that each comes after every id of `ids` it waits for (edges to ids
/// outside `ids` are ignored), and otherwise in the order given; nullopt on a cycle.
/// Kahn's algorithm, O(n + e) plus the ordered choice among the ready ones.
std::optional<std::vector<std::string>> topological_order(const std::vector<std::string>& ids,
                                                          const AfterGraph& graph);

/// The order of stops: each before every id it waits for (the reverse dependency order),
/// otherwise in the order given. A cycle (not in a checked config) keeps the given order.
std::vector<std::string> stop_order(const std::vector<std::string>& ids, const AfterGraph& graph);

/// Of the ids `spec`'s `after` names in `specs`, those `runs` says are not running (and
/// ready) yet: what it waits for, in id order. Empty: it may start.
std::vector<std::string> waiting_for(const ProgramSpecs& specs, const ProgramSpec& spec,
                                     const std::function<bool(const std::string&)>& runs);

/// "db, cache": the ids of a waiting set as the log and status show them.
std::string joined(const std::vector<std::string>& ids);

}  // namespace angel
