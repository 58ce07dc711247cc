// `after`, decided: names to ids, the cycle check, the start and stop orders, the
// waiting set.
#include "supervisor/decide/start_order.hpp"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <utility>

namespace angel {
namespace {

/// `count`'s instance k of block NAME is NAME-k with ANGEL_PROCESS_NUMBER=k.
bool is_count_instance_of(const ProgramSpec& spec, const std::string& name) {
    for (const EnvEntry& e : spec.env) {
        if (e.first == "ANGEL_PROCESS_NUMBER") return spec.id == name + "-" + e.second;
    }
    return false;
}

/// Kahn's algorithm over positions 0..n-1: `preds[i]` must come before i. Among the
/// positions free to go, the smallest goes first (the order given). nullopt: a cycle.
std::optional<std::vector<std::size_t>> kahn(const std::vector<std::vector<std::size_t>>& preds) {
    const std::size_t n = preds.size();
    std::vector<std::vector<std::size_t>> next(n);
    std::vector<std::size_t> blocking(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        blocking[i] = preds[i].size();
        for (std::size_t p : preds[i]) next[p].push_back(i);
    }
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> free;
    for (std::size_t i = 0; i < n; ++i) {
        if (blocking[i] == 0) free.push(i);
    }
    std::vector<std::size_t> out;
    out.reserve(n);
    while (!free.empty()) {
        const std::size_t i = free.top();
        free.pop();
        out.push_back(i);
        for (std::size_t j : next[i]) {
            if (--blocking[j] == 0) free.push(j);
        }
    }
    if (out.size() != n) return std::nullopt;
    return out;
}

/// The edges of `graph` between members of `ids`, as positions: `deps[i]` are the
/// positions of the ids that ids[i] waits for.
std::vector<std::vector<std::size_t>> edges_within(const std::vector<std::string>& ids, const AfterGraph& graph) {
    std::unordered_map<std::string, std::size_t> position;
    position.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) position.emplace(ids[i], i);
    std::vector<std::vector<std::size_t>> deps(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto waits = graph.find(ids[i]);
        if (waits == graph.end()) continue;
        for (const std::string& dep : waits->second) {
            if (auto p = position.find(dep); p != position.end()) deps[i].push_back(p->second);
        }
    }
    return deps;
}

/// A cycle of `graph` as `a -> b -> a`, if it has one: an iterative depth-first walk,
/// each id entered once, each edge followed once (O(n + e)).
std::optional<std::string> find_cycle(const AfterGraph& graph) {
    enum class Mark { unseen, on_path, done };
    std::unordered_map<std::string, Mark> marks;
    for (const auto& [root, unused] : graph) {
        if (marks[root] != Mark::unseen) continue;
        // The path from root: (id, index of the next edge to follow).
        std::vector<std::pair<const std::string*, std::size_t>> path{{&root, 0}};
        marks[root] = Mark::on_path;
        while (!path.empty()) {
            auto& [id, edge] = path.back();
            auto out = graph.find(*id);
            if (out == graph.end() || edge == out->second.size()) {
                marks[*id] = Mark::done;
                path.pop_back();
                continue;
            }
            const std::string& dep = out->second[edge++];
            Mark& mark = marks[dep];
            if (mark == Mark::on_path) {
                std::string text;
                bool in_cycle = false;
                for (const auto& step : path) {
                    in_cycle = in_cycle || *step.first == dep;
                    if (in_cycle) text += *step.first + " -> ";
                }
                return text + dep;
            }
            if (mark == Mark::unseen) {
                mark = Mark::on_path;
                path.emplace_back(&dep, 0);
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> ids_named(const ProgramSpecs& specs, const std::string& name) {
    if (specs.contains(name)) return {name};
    std::vector<std::string> out;
    const std::string prefix = name + "-";
    for (auto it = specs.lower_bound(prefix); it != specs.end() && it->first.starts_with(prefix); ++it) {
        const ProgramSpec& spec = it->second;
        if (spec.serve ? spec.serve->group == name : is_count_instance_of(spec, name)) out.push_back(it->first);
    }
    return out;
}

std::variant<AfterGraph, std::string> after_graph(const ProgramSpecs& specs) {
    AfterGraph graph;
    for (const auto& [id, spec] : specs) {
        if (spec.after.empty()) continue;
        std::vector<std::string>& deps = graph[id];
        for (const std::string& name : spec.after) {
            std::vector<std::string> ids = ids_named(specs, name);
            if (ids.empty()) return id + ": 'after' names \"" + name + "\", which is no program of the config";
            deps.insert(deps.end(), ids.begin(), ids.end());
        }
        std::sort(deps.begin(), deps.end());
        deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    }
    if (auto cycle = find_cycle(graph)) {
        const std::string first = cycle->substr(0, cycle->find(' '));
        return first + ": 'after' makes a cycle: " + *cycle;
    }
    return graph;
}

std::optional<std::string> after_error(const ProgramSpecs& specs) {
    auto graph = after_graph(specs);
    if (auto* error = std::get_if<std::string>(&graph)) return std::move(*error);
    return std::nullopt;
}

std::optional<std::vector<std::string>> topological_order(const std::vector<std::string>& ids,
                                                          const AfterGraph& graph) {
    auto order = kahn(edges_within(ids, graph));
    if (!order) return std::nullopt;
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (std::size_t i : *order) out.push_back(ids[i]);
    return out;
}

std::vector<std::string> stop_order(const std::vector<std::string>& ids, const AfterGraph& graph) {
    // Reversed edges: an id stops before every id it waits for.
    const auto deps = edges_within(ids, graph);
    std::vector<std::vector<std::size_t>> stop_first(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::size_t d : deps[i]) stop_first[d].push_back(i);
    }
    auto order = kahn(stop_first);
    if (!order) return ids;
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (std::size_t i : *order) out.push_back(ids[i]);
    return out;
}

std::vector<std::string> waiting_for(const ProgramSpecs& specs, const ProgramSpec& spec,
                                     const std::function<bool(const std::string&)>& runs) {
    std::vector<std::string> out;
    for (const std::string& name : spec.after) {
        for (std::string& id : ids_named(specs, name)) {
            if (!runs(id)) out.push_back(std::move(id));
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

}  // namespace angel
