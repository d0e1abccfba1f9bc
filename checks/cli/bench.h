// iowq-check bench: how fast the searches find what they should and how far verify gets, in
// one run, side by side. It measures; it never judges (no timing makes it fail).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checks/search/search.h"

namespace iowq {

struct bench_options {
    std::vector<std::string> parts = {"find", "rate", "verify", "states", "traces", "replay"};
    // find: each search on each scenario, on buggy, seeds 1..seeds (random and pct); the tree
    // searches do not depend on a seed and run once.
    std::vector<std::string> find_scenarios = {"r1", "r8", "r12"};
    std::vector<std::string> searches = {"random", "pct", "bound", "dpor", "full"};
    // find: the random search runs once per stay (percent; run's default, and 0, the uniform
    // walk of Relacy's random scheduler).
    std::vector<int> stays = {static_cast<int>(default_stay), 0};
    unsigned seeds = 20;
    double find_seconds = 10;             // budget of each search
    std::uint64_t find_executions = 0;    // 0: none
    double rate_seconds = 2;              // rate: random search on patched, per scenario
    std::vector<int> bounds = {1, 2, 3};  // verify --model patched at each bound
    double verify_seconds = 30;           // budget of each verify search
    std::uint64_t verify_executions = 0;  // 0: none
    unsigned replays = 1000;              // replay: R1's finding, this many times in a row
    // states: how often states repeat in the dpor search on patched (run --count-states), per
    // scenario and bound (`bounds`), with verify's budget.
    std::vector<std::string> state_scenarios = {"r8", "r9", "r11"};
    // traces: the distinct traces the dpor search reaches on patched (run --count-traces) and
    // the executions and CPU time per trace, per scenario and bound, with verify's budget.
    std::vector<std::string> trace_scenarios = {"r8", "r9", "r3", "r4"};
};

// The options `bench --quick` uses: every part, a few seconds in all.
bench_options quick_bench();

// Prints the tables on stdout; returns 0, or 2 for a bad option (after a message on stderr).
int run_bench(const bench_options &o);

}  // namespace iowq
