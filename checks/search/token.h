// The replay token: everything needed to run one execution again, in at most a couple of
// hundred characters. It holds the scenario, the model version and run settings, and the
// schedule as its departures from the sequential policy (checks/search/choices.h), as varints in
// base64url, closed by a CRC-16. Never runs inside Relacy's fibers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "checks/search/choices.h"

namespace iowq {

struct replay_spec {
    std::uint8_t scenario = 0;  // the scenario's stable id
    std::uint8_t fixes = 0;     // model_fix bits
    bool parent = false;
    bool whatif_no_rcu = false;
    bool multi_shot = false;
    bool unfocused = false;     // replay without the scenario's focus and --until
    bool preempt_none = false;  // CONFIG_PREEMPT_NONE instead of CONFIG_PREEMPT
    std::uint8_t nodes = 1;
    std::uint8_t timeouts_per_task = 2;
    std::uint8_t faults = 0;  // failures the search may inject (fault injection)
    std::string until;        // empty: none
    // How the schedule is given: 0 as a script; 1 as the uniform random search's generator
    // seed (--stay 0); 2 as PCT's seed, depth and length estimate; 4 as the random search's
    // seed and stay (all far shorter than their scripts). 3 was the random search's seed and
    // stay before the walk stopped staying between a read-modify-write's halves; refused.
    std::uint8_t gen = 0;
    std::uint64_t gen_seed = 0;
    std::uint8_t stay = 0;  // gen 4: 1..99
    std::uint8_t pct_depth = 0;
    std::uint32_t pct_k = 0;
    schedule_script script;
};

// A kernel function's name as --until and the token hold it: 1 to 64 characters, each a
// letter, a digit or '_'. The command line checks --until by it (checks/cli/cli.cc), so that
// every run's token replays.
bool is_until_name(std::string_view name);

std::string encode_token(const replay_spec &s);

// Decodes a token; on failure returns nothing and says why in `error`.
std::optional<replay_spec> decode_token(std::string_view token, std::string &error);

}  // namespace iowq
