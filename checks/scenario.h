// A scenario: one question about io-wq's lifecycle, the tasks that ask it, and the verdict it
// must get on each model version. Each scenario lives in its own file under checks/ (named
// after its race, R1..R10 in the notes) and is listed in checks/scenarios.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checks/runner.h"

namespace iowq {

struct scenario_info {
    std::uint8_t id;   // stable: replay tokens name the scenario by it
    const char *name;  // e.g. "r1-manager-creates-worker-after-exit"
    const char *question;
    const char *tasks;
    // The pinned verdicts, as verdict_text() prints them.
    const char *expect_buggy;
    const char *expect_patched;
    const char *expect_whatif;  // whatif-no-rcu
    const char *expect_parent;
    // What the scenario is about: a finding outside it is reported, but does not end the
    // search (see config::focus). nullptr: every finding counts.
    bool (*focus)(const model::rt::finding &f);
    const char *focus_text;
    // Run settings.
    int nodes = 1;
    int timeouts_per_task = 2;
    int (*timeouts_for)(const char *comm) = nullptr;  // per-task override
    // Called when every task is parked and only a timer could go on: a message if this is a
    // lost wake-up, nullptr if not. nullptr: no such oracle.
    const char *(*lost_wakeup)() = nullptr;
    bool multi_shot = false;
    unsigned bound = 2;  // the bound `run` uses by default
    // Runs the scenario's class under the given options (run<L>()).
    run_result (*run)(const run_options &o);
    int nr_tasks;
    const char *const *task_names;
};

// Every scenario, in id order.
const std::vector<const scenario_info *> &scenarios();
const scenario_info *find_scenario(std::string_view name);
const scenario_info *find_scenario_id(std::uint8_t id);

// The finding predicates scenarios share.
bool kasan_on(const model::rt::finding &f, std::string_view type_a, std::string_view type_b = {});
bool finding_in(const model::rt::finding &f, std::string_view function);

template <class L>
run_result run_scenario(const run_options &o)
{
    return run<L>(o);
}

}  // namespace iowq
