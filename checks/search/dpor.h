// The search tree of the partial-order-reduced search (search-dpor.h): dynamic partial-order
// reduction (Flanagan and Godefroid, POPL 2005), bounded by preemptions as bounded
// partial-order reduction does it (Coons, Musuvathi and McKinley, OOPSLA 2013).
//
// Two schedules that differ only in the order of independent steps (steps whose footprints,
// model/rt/rt.h, do not conflict) reach the same state; the search runs one of them. It runs a
// schedule and, for each step, every earlier step of another task that conflicts with it and
// does not happen before it (a race): it adds the later task as an alternative at the point
// before the earlier step, so that the two are also tried in the other order.
//
// With a preemption bound, a reordering that DPOR would reach by a preemption may only be
// within the bound when the switch happens earlier, where the running task's turn began: each
// race also adds its alternative there (BPOR's conservative points). A clean result is a proof
// for every schedule with at most `bound` preemptions, as the context-bound search gives;
// tests/checks/test_dpor.cc checks on every scenario where that search completes that it
// reaches every trace that search reaches, complete or cut short (cut_here()).
//
// Sleep sets (Godefroid): a task explored at a point sleeps in the sibling branches explored after
// it, until a step that depends on its pending step runs. Without a bound every explored task
// sleeps. Under a bound only the preempted one does (the task that was running at the point and
// could go on), and its sleep prunes only a switch to it that costs no preemption (the running task
// cannot go on): see step_done() for why, and for the variants that lose traces.
//
// Choices that are not scheduling (a timer firing, schedule_timeout's early expiry) are nodes
// of the same tree and are always explored in full.
#pragma once

#include <cstdint>

#include "checks/search/states.h"
#include "model/rt/rt.h"

namespace iowq {

// The tree lives across executions and is changed from inside them: its memory comes from
// malloc directly, never through Relacy's replacement of operator new (the field notes, P2).
template <class T>
using dpor_vec = rl::vector<T>::type;

struct dpor_stats {
    std::uint64_t sleep_blocked = 0;  // executions abandoned: every task that could run slept
    std::uint64_t races = 0;          // races found (with repetitions)
    std::uint64_t cut = 0;            // executions cut short (cut_here())
    std::uint64_t cut_pending = 0;    // ... the steps they kept from running, summed
    std::uint64_t max_depth = 0;      // decisions in the longest execution
    // When the search stopped: the branches still to try on the path it was on (see
    // dpor_tree::pending()); 0 when complete.
    std::uint64_t pending = 0;
    // A split tree (dpor_tree::split): the subtrees met so far (each prefix of the split's
    // depth, numbered in depth-first order), those this process searched, the executions it
    // ran in them, the executions it abandoned at the end of another process's prefix, and a
    // digest of what it searched: the sum over its subtrees k, searched to their end, of
    // subtree_digest(k, executions in k). Shards' digests add up to the unsplit search's.
    std::uint64_t subtrees = 0;
    std::uint64_t subtrees_owned = 0;
    std::uint64_t owned_executions = 0;
    std::uint64_t skipped = 0;
    std::uint64_t digest = 0;
    std::uint64_t subtree = 0;  // the subtree of the last execution (of a finding, if one ended it)
    // With count_states(): how often states repeat (checks/search/states.h).
    bool states_counted = false;
    state_census_stats states;
    // With count_traces(): the distinct traces the executions reached, complete and cut short
    // (cut_here()), and the executions that were no behaviour (abandoned by the tree: every
    // candidate asleep or over the bound, or another process's subtree).
    bool traces_counted = false;
    std::uint64_t traces = 0, cut_traces = 0, abandoned = 0;
};

// One subtree's part of dpor_stats::digest.
std::uint64_t subtree_digest(std::uint64_t k, std::uint64_t executions);

class dpor_tree {
public:
    static constexpr int max_threads = 64;
    using tset = std::uint64_t;

    // bound < 0: no preemption bound.
    explicit dpor_tree(int bound) : bound_(bound) {}

    // Splitting one tree over processes (docs/performance.md, section 9). A decision is above
    // the split if fewer than depth / 4^p decisions come before it, p being the preemptions
    // taken before it (a subtree that has spent its budget is small; one that has kept it is
    // split deeper). Above the split every alternative within the bound is taken, unreduced;
    // each sequence of decisions above the split, a prefix, roots a subtree that is searched
    // as usual. Every process meets the prefixes in the same depth-first order and numbers
    // them 0, 1, ...; `own(cookie, k)` (asked once per prefix) says whether this process
    // searches subtree k. In one it does not, the execution is abandoned where the prefix ends.
    //
    // Why this is sound: a race found below the split adds its alternatives at the nodes it
    // names; at a node above the split every alternative within the bound is taken anyway, so
    // nothing a subtree finds is needed in another. Whether a node is above the split depends
    // only on the decisions before it, and the nodes above it on a path come first (p only
    // grows along a path; a choice made inside a step goes with the step's decision). Below the
    // split each subtree is searched exactly as the unsplit tree would search it, given that
    // prefix: the sleep sets a subtree inherits come from steps above the split, which every
    // process runs to their end. Only with a bound (without one every explored task sleeps, and
    // the sleep sets would carry whichever siblings a process happened to search).
    struct split {
        int depth = 0;
        bool (*own)(void *cookie, std::uint64_t k) = nullptr;  // nullptr: every subtree
        void *cookie = nullptr;
    };
    void set_split(const split &s);
    // The known-bad variant for tests/checks/test_dpor.cc: the nodes above the split reduced
    // as usual instead of taking every alternative. Never set outside that test.
    static inline bool reduce_above_split = false;
    // Whether the last pick() or rand() abandoned the execution because its prefix belongs to
    // another process.
    bool skipping() const { return skipping_; }
    // Whether the running execution is being abandoned by the tree: its prefix belongs to
    // another process, or every task that could run next sleeps. What it does from there on is
    // no behaviour of the model.
    bool abandoning() const { return skipping_ || blocked_; }

    // Count how often states repeat (checks/search/states.h); the runtime's fingerprints must
    // be on (model::rt::g_state_on). Changes nothing the search does.
    void count_states() { census_on_ = true; }
    // Count the distinct traces the executions reach (see trace_step() in dpor.cc). Changes
    // nothing the search does.
    void count_traces() { traces_on_ = true; }
    // The known-bad variant for tests/checks/test_dpor.cc: a trace named by its steps alone,
    // without the order of dependent steps. Never set outside that test.
    static inline bool trace_without_order = false;

    // The known-bad variant for tests/checks/test_dpor.cc: a cut execution's last step and
    // pending steps are not analysed, as before issue 14. Never set outside that test.
    static inline bool skip_cut_analysis = false;
    // The known-bad variant for tests/checks/test_dpor.cc: under a bound, a sleeping task also
    // prunes the switches to it that preempt the running task. Never set outside that test.
    static inline bool sleep_prunes_preemptions = false;

    // An execution begins.
    void begin();
    // A scheduling decision: `enabled` the runnable threads, `cur` the thread whose step just
    // ended (-1 at the start) and whether it can go on. Returns the thread to run, or -1 if
    // every candidate sleeps or would exceed the bound: the execution adds nothing new.
    int pick(tset enabled, int cur, bool cur_enabled);
    // A choice that is not scheduling.
    unsigned rand(unsigned limit);
    // The running step ended with this footprint.
    void step_done(const model::rt::footprint &fp);
    // The execution was abandoned: what follows is not a behaviour of the model.
    void stop_here() { stopped_ = true; }
    // The running step cut the execution short (a finding outside the focus, a hang, the timer
    // budget) with this footprint, while the tasks in `pending` could still have run. The step
    // is analysed like any other; each pending task's next step, never run, has no footprint
    // and is taken to depend on every step (see cut_here() in dpor.cc). Then the execution
    // stops. Nothing is analysed if the tree itself abandoned the execution.
    void cut_here(const model::rt::footprint &fp, tset pending);
    // The execution ended: set up the next one. False when the search is complete.
    bool next();

    // The branches the depth-first search has still to try at the decisions on its current
    // path, each the root of a subtree of unknown size (a race found later can add more); 0
    // when the search is complete. A fact about the search, not an estimate of its remaining
    // size: a shallow search cut short has few pending branches, each a big subtree.
    std::uint64_t pending() const;

    dpor_stats stats() const
    {
        dpor_stats s = stats_;
        s.pending = pending();
        s.subtree = prefix_;
        s.states_counted = census_on_;
        if (census_on_)
            s.states = census_.stats();
        s.traces_counted = traces_on_;
        s.traces = traces_.size();
        s.cut_traces = cut_traces_.size();
        return s;
    }

private:
    struct sleeper {
        int thread;
        model::rt::footprint fp;
    };
    struct node {
        bool is_rand = false;
        unsigned limit = 0, value = 0;  // rand
        int thread = -1;                // sched: the thread run here now
        int prev = -1;                  // the thread whose step came before
        bool prev_enabled = false;      // ... and could have gone on
        int preemptions = 0;            // preemptions before this node
        bool above = false;             // above the split (dpor_tree::split)
        std::uint64_t state = 0;        // the state's fingerprint (count_states())
        std::uint64_t state_hb = 0;     // ... and its happens-before hash
        bool covered = false;           // ... a repeat is on the path to here, or here
        bool covered_hb = false;        // ... one with the same happens-before
        tset enabled = 0, backtrack = 0, done = 0;
        dpor_vec<sleeper> sleep;  // asleep on arrival
        // Footprint of each done thread's step here that sleeps in later branches (every one
        // without a bound; under one, only the preempted task's: step_done()).
        dpor_vec<sleeper> explored;
    };
    struct step {
        int node;
        int thread;
        int turn;             // the first step of the turn this one belongs to
        std::uint32_t local;  // 1-based index among its thread's steps
        model::rt::footprint fp;
        std::uint32_t vc[max_threads] = {};
    };

    bool within_bound(const node &n, int t) const;
    tset asleep_at(const node &n) const;
    bool above_split() const;
    bool owned_here();
    void close_prefix();
    void add_alternative(int node_index, int t);
    void analyse(int k);
    void analyse_unknown(int q);
    void race(int i, int p);
    static tset mask_of(const dpor_vec<sleeper> &s);

    int bound_;
    dpor_vec<node> nodes_;
    std::size_t pos_ = 0;
    dpor_vec<step> steps_;
    // Each step's footprint filter, apart from the steps, so that analyse() reads 16 bytes per
    // earlier step before it needs the step itself.
    dpor_vec<model::rt::fp_filter> filters_;
    bool step_open_ = false;
    bool blocked_ = false;
    bool stopped_ = false;
    int preemptions_ = 0;
    dpor_vec<sleeper> pending_sleep_;
    dpor_vec<int> by_thread_[max_threads];  // step indices of each thread
    int nthreads_ = 0;                      // 1 + the highest thread that has run a step
    std::uint32_t clock_[max_threads][max_threads] = {};
    dpor_stats stats_;
    split split_;
    std::uint64_t prefix_ = 0;        // the number of the prefix being searched
    int prefix_owned_ = -1;           // own(prefix_): -1 not asked yet
    std::uint64_t prefix_execs_ = 0;  // executions run in it so far
    bool skipping_ = false;
    bool step_above_ = true;  // the running step's decision is above the split
    bool census_on_ = false;
    state_census census_;
    bool traces_on_ = false;
    bool cut_analysed_ = false;  // the running execution was cut and analysed (cut_here())
    std::uint64_t trace_ = 0;    // the running execution's trace so far
    u64_table traces_, cut_traces_;
    void trace_step(const step &s);
    void trace_end();
    bool exec_covered_ = false, exec_covered_hb_ = false;  // the running execution's
    void census_decision(node &n);
    void census_visit(const node &n);
};

}  // namespace iowq
