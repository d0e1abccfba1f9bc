// What the iowq-check commands do, apart from parsing and printing: run a scenario on a model
// version, record the schedule of what was found, and replay it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checks/report/text.h"
#include "checks/scenarios/scenario.h"
#include "checks/search/token.h"

namespace iowq {

// A model version: a named one, or a set of fixes on top of buggy.
struct model_choice {
    std::string name;  // "buggy", "patched", ..., or the fix list as given
    unsigned fixes = 0;
    bool parent = false;
    bool whatif_no_rcu = false;
};

// "buggy", "patched", "parent", "whatif-no-rcu", or a comma-separated list of fix ids
// ("c4068bf898dd,e6ab899" or "none"); nothing, with a message, if it is none of these.
std::optional<model_choice> parse_model(std::string_view spec, std::string &error);
model_choice model_of(const replay_spec &s);

// The run options a search of scenario s on model m starts from (selects m and the scenario's
// node count as a side effect). The string `until` must outlive the run.
run_options options_for(const scenario_info &s, const model_choice &m, bool multi_shot,
                        const std::string &until, bool record, bool unfocused = false);

struct check_options {
    std::optional<search_kind> search;  // nothing: the scenario's
    int bound = -1;                     // -1: the scenario's
    std::uint64_t seed = 1;
    unsigned depth = 3;
    unsigned stay = default_stay;                    // random
    std::uint64_t shard_index = 1, shard_count = 1;  // random, pct: --shard I/N
    std::uint64_t iterations = 0;                    // random, pct; 0: the scenario's, else 20000
    std::uint64_t max_executions = 0;
    double max_seconds = 0;
    std::string until;
    bool multi_shot = false;
    bool progress = false;  // progress lines on stderr (the caller checks it is a terminal)
};

struct check_outcome {
    const scenario_info *scenario = nullptr;
    model_choice model;
    run_options run;       // the search as it was run (search, bound, seed, ...)
    run_result search;     // what the search found, and its statistics
    run_result recording;  // the found schedule run again with its events recorded
    std::string verdict;   // verdict_text() of the search
    std::string token;     // replays the finding (empty if nothing was found)
    // The first finding outside the scenario's focus, if any, with its own token.
    std::string off_focus_verdict;
    std::string off_focus_token;
    const char *off_focus_known = nullptr;  // known_issue() of it: it does not fail the run
};

check_outcome check(const scenario_info &s, const model_choice &m, const check_options &o);

// Runs one schedule of a scenario (the token's) with its events recorded. With `on`, on
// another model version, following the schedule as far as it can be followed.
// What the report printers need of an outcome: its finding, if the search found one.
report_input report_for(const check_outcome &c, bool color);

check_outcome replay(const replay_spec &spec, const model_choice *on = nullptr,
                     script_status *status = nullptr, bool relacy_history = false);

}  // namespace iowq
