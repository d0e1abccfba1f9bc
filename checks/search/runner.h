// Runs a litmus test or a scenario under one of Relacy's schedulers and says what was found.
//
// A test is a class L with
//     static constexpr int nr_tasks;              // Relacy's static threads
//     static constexpr int nr_kthreads;           // how many kthreads it may create
//     static constexpr const char *task_names[];  // one per static task
//     void setup();       // runs as "init" before the tasks (allocate, publish)
//     void task(int i);   // task i's body
//     void teardown();    // runs as "init" after every task finished (free what is left)
// An instance is constructed afresh for every execution.
#pragma once

#include <chrono>
#include <cstdint>
#include <new>
#include <memory>
#include <string>
#include <vector>

#include "checks/report/record.h"
#include "checks/search/search-bound.h"
#include "checks/search/search-dpor.h"
#include "checks/search/search-full.h"
#include "checks/search/search-pct.h"
#include "checks/search/search-random.h"
#include "checks/search/search.h"
#include "checks/search/search-replay.h"
#include "model/linux/kthread.h"
#include "model/rt/rt.h"

namespace iowq {

struct run_options {
    search_kind search = search_kind::bound;
    unsigned bound = 2;                // preemptions, for search_kind::bound and dpor
    std::uint64_t iterations = 10000;  // executions, for search_kind::random and search_kind::pct
    std::uint64_t seed = 0;            // random, pct
    std::uint64_t shard_index = 1;     // random, pct: executions i = shard_index mod
    std::uint64_t shard_count = 1;     // shard_count of 1..iterations (--shard I/N)
    unsigned depth = 3;                // pct
    // dpor: split the tree at this depth (dpor_tree::split; 0: no split) and search subtrees
    // k with k = subtree_index - 1 mod subtree_count, or those `claim` grants (--jobs).
    unsigned split_depth = 0;
    std::uint64_t subtree_index = 1, subtree_count = 1;
    bool (*claim)(void *cookie, std::uint64_t k) = nullptr;
    void *claim_cookie = nullptr;
    unsigned jobs = 1;          // processes sharing the tree through `claim` (for the summary line)
    bool count_states = false;  // dpor: search_params::count_states
    bool count_traces = false;  // dpor: search_params::count_traces
    unsigned stay = 0;          // random: % chance the running task goes on
    const schedule_script *script = nullptr;         // replay
    const std::vector<segment> *segments = nullptr;  // replay, guided (search_params::segments)
    bool exact_seed = false;                         // random, pct: `seed` is one execution's own
    std::uint32_t pct_k = 0;                         // pct with exact_seed
    script_status *status = nullptr;                 // replay
    bool relacy_history = false;                     // keep Relacy's own history of a failure
    const char *progress = nullptr;                  // scenario for progress_hook (nullptr: none)
    std::uint64_t max_executions = 0;                // 0: no limit
    double max_seconds = 0;                          // 0: no limit
    unsigned depth_limit = 200000;                   // scheduling points in one execution
    // Names a finding that is a known issue (iowq::known_issue()), nullptr if it is not.
    const char *(*known_issue)(const model::rt::finding &f) = nullptr;
    model::rt::config cfg;
};

enum class verdict { clean, found, budget };

struct run_result {
    verdict v = verdict::clean;
    std::uint64_t executions = 0;
    std::uint64_t cut = 0;
    std::uint64_t sched_points = 0;  // scheduling points the model offered, over all executions
    bool complete = false;           // a tree search explored everything within its bound
    // With the budget run out, how much of the search was done: random and PCT, the share of
    // the executions asked for (else -1); dpor, the branches still to try on its path
    // (dpor_tree::pending(); else -1). Relacy's own bound and full searches say neither.
    double covered = -1;
    std::int64_t pending = -1;
    // dpor: what it searched of a split tree (dpor_stats; all subtrees when not split).
    std::uint64_t subtrees = 0, subtrees_owned = 0, owned_executions = 0, digest = 0;
    std::uint64_t subtree = 0;  // the subtree of the finding (dpor_stats::subtree)
    // dpor with run_options::count_states: how often states repeated.
    bool states_counted = false;
    state_census_stats states;
    // dpor with run_options::count_traces: dpor_stats' trace counts.
    bool traces_counted = false;
    std::uint64_t traces = 0, cut_traces = 0, abandoned = 0;
    execution_record record;
    std::string relacy_result;
    // Findings outside the search's focus: how many executions had one, the first of them
    // (the first not a known issue, if there is one), and the schedule that reproduces it.
    std::uint64_t off_focus = 0;
    bool has_off_focus = false;
    model::rt::finding first_off_focus{};
    const char *off_focus_known = nullptr;  // known_issue() of it
    const char *known = nullptr;            // known_issue() of what was found
    schedule_script off_focus_script;
    // The schedule of the execution that was found (empty unless v == found); for random and
    // PCT also the generator state that runs it again, which is shorter.
    schedule_script script;
    // The decisions of the execution that was found, or of a replay's one execution, and how
    // that schedule looks (its preemptions, steps and context switches).
    choice_trace trace;
    schedule_shape shape;
    std::uint64_t exec_seed = 0;
    std::uint32_t exec_k = 0;
    std::uint64_t exec_iter = 0;  // random, pct: the whole search's number of that execution
    std::uint64_t off_focus_seed = 0;
    std::uint32_t off_focus_k = 0;
    double seconds = 0;
    std::string relacy_history;  // with run_options::relacy_history
};

// What a search has done so far, for a progress line (checks/cli/progress.cc prints it).
struct progress_info {
    const char *scenario = nullptr;  // run_options::progress
    search_kind search = search_kind::bound;
    std::uint64_t executions = 0;
    double seconds = 0;                // elapsed
    std::int64_t pending = -1;         // dpor's branches still to try on its path, -1 unknown
    std::uint64_t max_executions = 0;  // the budget; 0: none
    double max_seconds = 0;            // the budget; 0: none
    std::uint64_t iterations = 0;      // random and pct: the executions asked for
    bool done = false;                 // the search ended (after at least one call)
};

// Called by a search whose run_options::progress is set: every progress_every executions the
// runner looks at the clock, and calls `fn` if `interval` has passed since the search began or
// since the last call; once more with done set when the search ends, if it called before. Off
// while `fn` is null. Looking at the clock once every progress_every executions keeps the cost
// of a search without progress, and with it, out of the measurements (docs/checker.md). `fn`
// runs inside the search, where Relacy counts every allocation as the model's: it must not
// allocate (a replay of the same schedule would then differ).
struct progress_hook {
    void (*fn)(const progress_info &) = nullptr;
    std::chrono::steady_clock::duration interval = std::chrono::milliseconds(250);
};
progress_hook &current_progress_hook();
inline constexpr std::uint64_t progress_every = 1024;

// How many of the executions 1..iterations shard I of N runs: those i with i = I mod N.
inline std::uint64_t shard_iterations(std::uint64_t iterations, std::uint64_t index,
                                      std::uint64_t count)
{
    return iterations >= index ? (iterations - index) / count + 1 : 0;
}

// Copies the runtime's state at the end of the last execution into plain data.
execution_record capture();
// Marks in r the preemptions of its schedule t (execution_record::preemptions), at the first
// event of each (events say the decisions taken when they happened: event::decision).
void mark_preemptions(execution_record &r, const choice_trace &t);

// "clean", "budget", or the title of the first finding: what tests pin and the demo prints.
std::string verdict_text(const run_result &r);
// The index in r.record.findings of the finding a report is about: the first one in the
// search's focus, else the first one; -1 if there is none.
int focus_finding(const run_result &r);

namespace detail {

struct budget {
    std::chrono::steady_clock::time_point start{};
    std::uint64_t max_executions = 0;
    std::chrono::steady_clock::time_point deadline{};
    bool timed = false;
    bool exhausted = false;
    double max_seconds = 0;
    // Progress (progress_hook): the scenario, nullptr if off; what the lines show of the search.
    const char *progress = nullptr;
    search_kind search = search_kind::bound;
    std::uint64_t iterations = 0;
    std::chrono::steady_clock::time_point last_progress{};
    bool progress_shown = false;
};
budget &current_budget();
bool over_budget();
// Set for a replay: the execution stops after the scenario's teardown, with its state kept, so
// that a clean execution can be recorded too (finish() captures it).
bool &stop_after_teardown();

// Relacy never frees a fiber's stack (delete_fiber() is empty; the field notes, P18), so each
// simulate() leaked 64 KiB per thread: 1000 replays in one process peaked at 165 MB. Its threads
// are one array, thread i at i strides from thread 0, and before() runs on thread 0: there the
// stacks are noted, and simulate() frees them once its context is gone. A thread whose place
// does not check out (index or context) leaves every stack to leak, as before.
struct fiber_stacks {
    static constexpr int max = 64;
    void *stack[max];
    int n = 0;
};
fiber_stacks &current_fiber_stacks();

template <rl::thread_id_t N>
void note_fiber_stacks()
{
    fiber_stacks &fs = current_fiber_stacks();
    rl::thread_info_base *t0 = rl::ctx().threadx_;
    if (fs.n || !t0 || t0->index_ != 0 || N > fiber_stacks::max)
        return;
    using slot = rl::aligned<rl::thread_info<N>>;
    slot *first = static_cast<slot *>(static_cast<rl::thread_info<N> *>(t0));
    for (rl::thread_id_t i = 0; i < N; i++) {
        rl::thread_info_base *t = &first[i];
        if (t->index_ != i || t->ctx_ != t0->ctx_) {
            fs.n = 0;
            return;
        }
        fs.stack[fs.n++] = t->fiber_.fib.uc_stack.ss_sp;
    }
}

template <class L>
struct suite : rl::test_suite<suite<L>, L::nr_tasks> {
    static const rl::thread_id_t dynamic_thread_count = L::nr_kthreads;

    alignas(L) unsigned char storage[sizeof(L)];
    L *l = nullptr;

    void before()
    {
        note_fiber_stacks<suite::params::thread_count>();
        if (over_budget()) {
            rl::ctx().rl_until("budget", RL_INFO);
            return;
        }
        model::rt::begin_execution(L::nr_tasks, L::task_names);
        l = new (storage) L();
        {
            MODEL_FRAME_NAMED("setup");
            l->setup();
        }
        model::rt::leave_setup();
    }
    static void body(void *self, int i) { static_cast<suite *>(self)->l->task(i); }
    void thread(unsigned i) { model::rt::run_static_task(static_cast<int>(i), &body, this); }
    void after()
    {
        model::rt::enter_teardown();
        {
            MODEL_FRAME_NAMED("teardown");
            l->teardown();
        }
        if (stop_after_teardown()) {
            model::rt::end_execution(true);
            rl::ctx().rl_until("replayed", RL_INFO);
            return;
        }
        model::rt::end_execution();
        l->~L();
    }
};

// Relacy's context, with its own failures (data races it finds by itself, livelock, ...)
// handed to the runtime before Relacy stops the iteration.
template <class Test, class Sched>
class context : public rl::context_impl<Test, Sched> {
public:
    context(rl::test_params &p, typename Sched::shared_context_t &s)
        : rl::context_impl<Test, Sched>(p, s)
    {}
    void fail_test(char const *desc, rl::test_result_e res, rl::debug_info_param info) override
    {
        model::rt::on_relacy_failure(desc, res);
        rl::context_impl<Test, Sched>::fail_test(desc, res, info);
    }
};

template <class Test, class Sched>
rl::test_result_e simulate(rl::test_params &p)
{
    typename Sched::shared_context_t sctx;
    rl::ostringstream state;
    rl::istringstream initial(p.initial_state);
    fiber_stacks &fs = current_fiber_stacks();
    fs.n = 0;
    rl::test_result_e res = context<Test, Sched>(p, sctx).simulate(state, initial, false);
    for (int i = 0; i < fs.n; i++)
        (::free)(fs.stack[i]);
    fs.n = 0;
    return res;
}

// What the run keeps of its first finding outside the focus (runner.cc), owned by run<L>().
struct off_focus_store;
struct off_focus_delete {
    void operator()(off_focus_store *s) const;
};
using off_focus_ptr = std::unique_ptr<off_focus_store, off_focus_delete>;

off_focus_ptr prepare(const run_options &o, rl::test_params &p, int nr_kthreads);
run_result finish(const run_options &o, const rl::test_params &p, rl::test_result_e res,
                  const std::string &history, const off_focus_store &off);

}  // namespace detail

template <class L>
run_result run(const run_options &o)
{
    using S = detail::suite<L>;
    constexpr rl::thread_id_t n = S::params::thread_count;
    rl::test_params p;
    rl::ostringstream sink;
    p.output_stream = &sink;
    p.progress_stream = &sink;
    detail::off_focus_ptr off = detail::prepare(o, p, L::nr_kthreads);
    rl::test_result_e res;
    switch (o.search) {
    case search_kind::sequential:
    case search_kind::replay:
        res = detail::simulate<S, replay_search<n>>(p);
        break;
    case search_kind::random:
        res = detail::simulate<S, random_search<n>>(p);
        break;
    case search_kind::pct:
        res = detail::simulate<S, pct_search<n>>(p);
        break;
    case search_kind::full:
        res = detail::simulate<S, full_search<n>>(p);
        break;
    case search_kind::dpor:
        res = detail::simulate<S, dpor_search<n>>(p);
        break;
    case search_kind::bound:
    default:
        res = detail::simulate<S, bound_search<n>>(p);
        break;
    }
    std::string history = o.relacy_history ? std::string(sink.str().c_str()) : std::string();
    return detail::finish(o, p, res, history, *off);
}

}  // namespace iowq
