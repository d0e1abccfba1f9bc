// --shard I/N and iowq-check merge: a search split over N machines, deterministically, and the
// N results put back together into one.
//
// What a shard takes:
//   run (random, pct): the executions i of 1..iterations with i = I mod N (execution i draws
//     the seed it would draw unsharded); the merged finding is the one of the lowest i, which
//     is the one an unsharded random search finds (PCT's length estimate k grows with the
//     executions a run has seen, so a PCT shard's executions are not an unsharded run's).
//   verify: the scenarios k (0-based, in `iowq-check list` order) with k = I - 1 mod N; each
//     is searched completely by one shard, so the union of the shards is verify's search.
// A sharded result is JSON (--format json) with a "shard" object that names the shard and the
// configuration of the whole search; merge refuses shards whose configurations differ, a shard
// given twice, a missing shard, and a shard whose scenarios are not the ones it should have.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace iowq {

struct shard_spec {
    std::uint64_t index = 1;  // 1..count
    std::uint64_t count = 1;
};

// "I/N" with 1 <= I <= N; nothing, with a message, otherwise.
std::optional<shard_spec> parse_shard(std::string_view s, std::string &error);

// Whether shard `sh` verifies the scenario at position k (0-based) of the list.
inline bool verify_shard_has(const shard_spec &sh, std::size_t k)
{
    return k % sh.count == sh.index - 1;
}

// iowq-check merge FILES: prints the merged result (text or json) and returns the exit status
// the unsharded command would have had; 2, with a message on stderr, for bad or inconsistent
// shards.
int merge_shards(const std::vector<std::string> &files, const std::string &format);

// One scenario's certificate line of verify (and what its searches found), from its JSON
// entry: verify prints it, and merge prints the same from the shards' JSON.
std::string verify_row_text(const nlohmann::json &r);
// Whether that entry fails the run: a finding that is not a known issue, in the scenario's
// question, outside it, or by the scenario's own search.
bool verify_fails(const nlohmann::json &r);

}  // namespace iowq
