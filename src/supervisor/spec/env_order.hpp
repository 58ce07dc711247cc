// The iteration order of the reference's hash maps (spec section 11): FNV-1 over
// UTF-16LE (hashable 1.3.5.0 on text 1.2.5.0), walked as a 5-bit HAMT
// (unordered-containers 0.2.17.0).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "supervisor/spec/program_spec.hpp"

namespace angel {

/// hashable's hash of a Text given as UTF-8 (spec 11.2).
std::uint64_t text_hash(std::string_view utf8);

/// A number whose ascending order is the trie order of hashes: the 5-bit chunks of
/// `hash`, least significant first, packed most significant first (spec 11.1).
std::uint64_t trie_rank(std::uint64_t hash);

/// trie_rank(text_hash(key)): sorting keys by it gives the hash map's iteration order.
std::uint64_t hash_map_rank(std::string_view utf8_key);

/// Sorts keys into the hash map's iteration order (equal hashes: byte order, a
/// stand-in for the reference's unspecified order).
void sort_in_hash_map_order(std::vector<std::string>& keys);

/// The env list as the reference logs and passes it (spec 11.1): the variables of
/// program `id` in the iteration order of their keys `ID.env.NAME`, reversed.
std::vector<EnvEntry> logged_env_order(std::string_view id,
                                       const std::map<std::string, std::string>& env);

}  // namespace angel
