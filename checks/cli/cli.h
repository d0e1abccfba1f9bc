// The command line of iowq-check, parsed and checked without running anything: every check
// that needs no scenario or model to be looked up is made here, so that the sanitizer preset
// and the fuzzer (tests/fuzz/fuzz_cli.cc) reach it. Never runs inside Relacy's fibers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/cli/bench.h"

namespace iowq {

enum class command { demo, list, run, replay, verify, diff, bisect, bench, merge };

// Shrinking's default budget: the executions keep its result the same on every machine; the
// seconds cap a slow one (docs/checker.md, "Shrinking").
inline constexpr double default_shrink_seconds = 10;
inline constexpr std::uint64_t default_shrink_executions = 20000;
// Splitting a dpor tree (--split-depth; dpor_tree::split): the depth --shard uses unless told,
// and the largest accepted (every decision above it is searched unreduced).
inline constexpr int default_split_depth = 256;
inline constexpr int max_split_depth = 4096;
// The most processes verify --jobs and run --jobs start.
inline constexpr unsigned max_jobs = 64;

struct run_args {
    std::string scenario;
    std::string model = "buggy";
    std::string preempt = "full";  // the kernel's preemption model: full or none
    std::string search;            // empty: the scenario's
    std::optional<int> bound;      // nothing: the scenario's
    std::uint64_t seed = 1;
    int depth = 3;
    // Which options were given: refused where the search does not use them, or given empty.
    bool seed_given = false, depth_given = false, executions_given = false, until_given = false;
    std::optional<int> stay;  // nothing: default_stay
    std::uint64_t executions = 0;
    double seconds = 600;  // 0: no limit (so is a value of no_limit_seconds or more)
    std::string until;
    bool multi_shot = false;
    std::string format = "text";
    std::string shard;               // "I/N", empty: not sharded
    std::optional<int> split_depth;  // dpor: split the tree (dpor_tree::split); nothing: none
    int jobs = 1;                    // dpor: processes sharing one split tree
    bool count_states = false;       // dpor: count how often states repeat
    bool count_traces = false;       // dpor: count the distinct traces
    // Shrinking a finding's schedule (checks/shrink.cc).
    bool no_shrink = false;
    double shrink_seconds = default_shrink_seconds;
    std::uint64_t shrink_executions = default_shrink_executions;
};

struct replay_args {
    std::string token;
    std::string format = "text";
    bool raw = false;
    int repeat = 1;
    double seconds = 600;  // --repeat's budget; 0: no limit (so is no_limit_seconds or more)
};

struct verify_args {
    std::string model = "patched";
    std::string format = "text";
    int bound = 2;
    double seconds = 30;
    std::uint64_t executions = 0;
    std::string shard;
    int jobs = 0;                    // scenarios searched at once; 0: one per CPU
    std::optional<int> split_depth;  // split every scenario's tree (dpor_tree::split)
};

struct diff_args {
    std::string token;
    std::string model = "patched";
    std::string format = "text";
};

struct bisect_args {
    double seconds = 60;
    std::string scenario;
};

struct merge_args {
    std::vector<std::string> files;
    std::string format = "text";
};

struct bench_args {
    bench_options options;
    bool quick = false;
    // Which options were given: --quick changes only the others.
    bool seeds = false, find_seconds = false, find_executions = false, rate_seconds = false,
         bounds = false, verify_seconds = false, verify_executions = false, replays = false;
};

struct command_line {
    command cmd = command::demo;
    run_args run;
    replay_args replay;
    verify_args verify;
    diff_args diff;
    bisect_args bisect;
    bench_args bench;
    merge_args merge;
    std::string color = "auto";     // --color: auto, always or never
    std::string progress = "auto";  // --progress: auto, always or never
    bool model_sites = false;       // --model-sites: reports in the model's file:line
    std::string view = "full";      // --view of run and replay: full or story
};

// A time budget of this many seconds or more (inf included) is no limit, as 0 is: the parse
// turns it into 0 (the searches' deadline would overflow the clock's range).
inline constexpr double no_limit_seconds = 1e9;

// " (did you mean 'x'?)" when `typed` is a small edit away from one of `names` (or "'x' or
// 'y'" from a few), else "": for messages about a mistyped command, option or name.
std::string did_you_mean(std::string_view typed, const std::vector<std::string> &names);

// What the parse says: run `cl.cmd` (status < 0), or exit now with `status` after printing `out`
// on stdout (help) and `err` on stderr (a usage error, status 2, with a message that says what
// is wrong).
struct parse_outcome {
    int status = -1;
    std::string out, err;
};

parse_outcome parse_command_line(int argc, const char *const *argv, command_line &cl);

// --progress: how a long search shows that it is alive, on stderr. `line`: one status line,
// rewritten in place, for a terminal; `log`: a plain line now and then, for a CI log; `none`.
enum class progress_style { none, line, log };
// auto is a line when stderr is a terminal and TERM (null: unset) is not "dumb"; always a log;
// never none.
progress_style progress_style_for(const std::string &mode, bool stderr_tty, const char *term);
// How often a progress line is printed: `env` is IOWQ_PROGRESS_INTERVAL_MS (null: unset; a
// whole number of milliseconds, for the tests), else 250 ms for a line and 10 s for a log.
std::uint64_t progress_interval_ms(progress_style style, const char *env);

// What a progress line says about a search (or, with total set, about verify's jobs).
struct progress_state {
    // What is searched: before + what + after ("verify patched, scenario 3/11: " +
    // "r3-enqueue-gets-exiting-worker" + " on patched").
    std::string_view before, what, after;
    std::size_t done = 0, total = 0;  // verify's scenarios searched of total; total 0: a search
    std::string_view under_way;       // verify: the scenarios being searched
    std::uint64_t executions = 0;
    double seconds = 0;                // elapsed
    std::int64_t pending = -1;         // dpor's branches still to try on its path; -1: unknown
    std::uint64_t max_executions = 0;  // budget; 0: none
    std::uint64_t iterations = 0;      // random and pct: the executions asked for; 0: none
    double max_seconds = 0;            // budget (verify: each scenario's); 0: none
};
// The line, without "\r" or a newline, into buf (cut to size - 1 characters, and terminated);
// returns its length. It allocates nothing: the runner calls it from inside a search, where
// Relacy would count an allocation as the model's. "r3-enqueue-gets-exiting-worker on patched:
// 20480 executions, 9850/s, 12.3 s of 600 s".
std::size_t progress_format(char *buf, std::size_t size, const progress_state &p);
std::string progress_text(const progress_state &p);  // the same, as a string (for the tests)

// iowq-check's version (the CMake project's), as --version and the SARIF log give it.
const char *iowq_version();

}  // namespace iowq
