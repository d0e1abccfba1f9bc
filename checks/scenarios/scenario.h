// A scenario: one question about io-wq's lifecycle, the tasks that ask it, and the verdict it
// must get on each model version. Each scenario's program lives in its own file under
// checks/scenarios/ (named after its race, R1..R12 in the notes, or after its question); its
// row in the catalogue (checks/scenarios/list.cc) gives its name, question, settings and pinned
// verdicts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checks/search/runner.h"

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
    // Fault injection: the functions (comma-separated) whose allocations and kthread
    // creations may fail, and how many failures one execution may have.
    const char *fail_in = nullptr;
    int faults = 0;
    bool multi_shot = false;
    // The scenario's tasks run one at a time in a fixed order until one of them calls
    // kit::explore_from_here(); the search explores from there on (the header says where).
    bool prologue = false;
    // The search `run` does by default (and the test suite pins the verdicts with): dpor at
    // `bound`, which is complete, unless the scenario is too large for that and names the
    // random search, with its number of executions (seed 1).
    search_kind search = search_kind::dpor;
    unsigned bound = 2;
    std::uint64_t executions = 0;
    // Filled in from the scenario's class L (the catalogue's row<L>()): runs it under the given
    // options (run<L>()), and its static tasks.
    run_result (*run)(const run_options &o) = nullptr;
    int nr_tasks = 0;
    const char *const *task_names = nullptr;
};

// Every scenario, in id order.
const std::vector<const scenario_info *> &scenarios();
const scenario_info *find_scenario(std::string_view name);
const scenario_info *find_scenario_id(std::uint8_t id);

// The finding predicates scenarios share.
bool kasan_on(const model::rt::finding &f, std::string_view type_a, std::string_view type_b = {});
bool finding_in(const model::rt::finding &f, std::string_view function);
// Whether the finding's address lies in an object of the given type.
bool on_struct(const model::rt::finding &f, std::string_view type);

// A bug every model version has, documented in docs/findings.md, that a scenario about
// something else still runs into: its name ("R11") if the finding is one, nullptr if not.
// Outside a scenario's focus such a finding is reported as known and does not fail the run;
// any other finding outside the focus does.
// R11 and R12 are one race and its consequences (docs/findings.md):
//   R11: a new worker started early by an enqueue that found it on the free list before
//        create_io_worker() finished: a data race on the worker between create_io_worker() and
//        the worker's own code (io_worker_start()), or
//        create_io_worker() reading the worker after it exited and was freed.
//   R12: what that race breaks when it loses the FREE flag, in the same execution: the worker
//        stays on the free list after it is freed (KASAN on the struct io_worker), or is on it
//        twice and a walk of the list never ends (soft lockup).
// R7 is a bug of every version with IORING_SETUP_ATTACH_WQ: a KASAN report on a struct
// user_struct in io-wq's accounting of wq->user (the ring that created the io-wq, and its user,
// are gone; another user's ring attached to it still queues work).
const char *known_issue(const model::rt::finding &f);

// Every scenario's lost wake-up oracle (issue 17, item 6), called when every task is parked and
// only a timer could go on (after the scenario's own, if it has one): on any wqe whose io_wq is
// not being torn down (no EXIT), runnable work that nobody will run unless a timer fires is a
// lost wake-up. Nobody runs now, so a free worker asleep should have been woken for it, an
// account's nr_running that is not 0 has leaked (r12b_leak), and an account that may still grow
// should have had its manager woken. Hashed work (issue 17, item 3) waits for good behind a
// bucket whose bit no busy worker holds. A message, or nullptr.
const char *io_wq_lost_wakeup();
inline constexpr const char *io_wq_free_worker_not_woken =
    "work is queued and a free worker was not woken";
inline constexpr const char *io_wq_manager_not_woken =
    "work is queued and the manager was not woken";
// Every scenario's check for a hang hidden by timers (issue 17, item 5), called when every task
// is parked, a timer is pending and no lost wake-up was found: the index of a user task blocked
// (asleep without a timer) while every timer pending is one whose firing changes nothing: the
// manager's poll with no worker to create and no kthread_stop() pending, a fixed worker's idle
// timeout with nothing queued and no EXIT. Nothing can ever wake it. -1 if there is none.
int io_wq_blocked_for_good();
inline constexpr const char *io_wq_hashed_bucket_orphaned =
    "hashed work is queued behind a bucket no worker holds";

template <class L>
run_result run_scenario(const run_options &o)
{
    return run<L>(o);
}

}  // namespace iowq
