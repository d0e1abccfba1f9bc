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
    // The kernel's configuration: CONFIG_PREEMPT_NONE instead of CONFIG_PREEMPT (--preempt
    // none); name then says so.
    bool preempt_none = false;
};

// The model choice m built with CONFIG_PREEMPT_NONE (or not): its name gains " (preempt=none)".
model_choice with_preempt(model_choice m, bool none);

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
    unsigned stay = default_stay;                        // random
    std::uint64_t shard_index = 1, shard_count = 1;      // random, pct: --shard I/N
    unsigned split_depth = 0;                            // dpor: run_options::split_depth
    std::uint64_t subtree_index = 1, subtree_count = 1;  // dpor: --shard I/N
    // dpor, split: which subtrees this process searches, if not a static share (run --jobs).
    bool (*claim)(void *cookie, std::uint64_t k) = nullptr;
    void *claim_cookie = nullptr;
    unsigned jobs = 1;
    bool count_states = false;     // dpor: run_options::count_states
    bool count_traces = false;     // dpor: run_options::count_traces
    std::uint64_t iterations = 0;  // random, pct; 0: the scenario's, else 20000
    std::uint64_t max_executions = 0;
    double max_seconds = 0;
    std::string until;
    bool multi_shot = false;
    bool progress = false;  // progress lines on stderr (the caller checks it is a terminal)
    // Shrinking a finding's schedule (checks/shrink.cc): its budget in seconds (0: no shrink)
    // and in executions. The executions keep the result the same on every machine; the
    // seconds only cap a slow one, and the report says when they ran out.
    double shrink_seconds = 0;
    std::uint64_t shrink_executions = 0;
};

// What shrinking did to a finding's schedule (checks/shrink.cc).
struct shrink_outcome {
    bool tried = false;
    schedule_shape before;     // the search's own schedule
    schedule_shape after;      // the schedule reported (the same if nothing simpler was found)
    std::string before_token;  // the search's own schedule's token
    // Every schedule with fewer than `proved_below` preemptions was searched (dpor complete at
    // bound proved_below - 1) without this finding; minimal: proved_below == after.preemptions.
    int proved_below = 0;
    bool minimal = false;
    int incomplete_bound = -1;  // the bound whose search the budget stopped, or -1
    std::uint64_t executions = 0;
    int replays = 0;  // guided replays of rearranged schedules tried
    int kept = 0;     // of them, simpler ones that still reach the finding
    double seconds = 0;
    bool seconds_ran_out = false;  // the time cap, not the executions, ended it
    bool executions_ran_out = false;
    std::string note;  // why a simpler schedule found was not kept, if one was not
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
    shrink_outcome shrink;
    bool replayed = false;  // replay()'s: a token's schedule, run again
};

check_outcome check(const scenario_info &s, const model_choice &m, const check_options &o);

// Looks for a simpler schedule that reaches c's finding (checks/shrink.cc) within o's shrink
// budget; if it finds one, c's token and recording become that schedule's. check() calls it.
void shrink(check_outcome &c, const check_options &o);

// What makes two findings the same finding, for the shrinker (checks/shrink.cc): the same kind
// (and KASAN bug or refcount event, read or write, message), at the same access site (the
// innermost frame; none for a state such as a lost wake-up, a hang, a leak or a scenario's
// check), on an object of the same type. Compared without allocating, inside a run.
struct finding_key {
    model::rt::finding_kind kind = model::rt::finding_kind::other;
    std::uint8_t sub = 0;
    bool is_write = false;
    std::string site;  // the innermost frame
    std::string what;
    std::string type;  // the type of the object the address lies in, or ""
    bool matches(const model::rt::finding &f, const char *type_name) const;
};
finding_key key_of(const model::rt::finding &f, const char *type_name);
// While set, the searches and replays of the checker take as their focus exactly the findings
// with this key (the scenario's own focus and --until still apply). nullptr: the scenario's.
void set_focus_key(const finding_key *k);

// Runs one schedule of a scenario (the token's) with its events recorded. With `on`, on
// another model version, following the schedule as far as it can be followed.
// What the report printers need of an outcome: its finding, if the search found one.
report_input report_for(const check_outcome &c, bool color);

check_outcome replay(const replay_spec &spec, const model_choice *on = nullptr,
                     script_status *status = nullptr, bool relacy_history = false);

}  // namespace iowq
