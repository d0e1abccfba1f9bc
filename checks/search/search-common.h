// What every search shares: the parameters the runner gives it, a seeded generator, and the
// recording of each decision into the choice log (checks/search/choices.h).
#pragma once

#include <cstdint>
#include <vector>

#include "checks/search/choices.h"
#include "model/rt/relacy.h"
#include "model/rt/rt.h"

namespace iowq {

struct search_params {
    std::uint64_t seed = 0;
    unsigned depth = 3;                       // PCT: priority change points + 1
    unsigned stay = 0;                        // random: % chance the running task goes on
    const schedule_script *script = nullptr;  // replay
    script_status *status = nullptr;          // replay: where the script could not be followed
    // Replay, guided (the shrinker): follow these runs of tasks instead of `script`'s threads,
    // leniently (a task that blocks, or is not runnable when its run begins, gives up the rest
    // of its run); `script`'s rands are followed leniently too.
    const std::vector<segment> *segments = nullptr;
    // Random and PCT: run one execution from exactly this generator seed (and, for PCT, this
    // estimate of the execution's length) instead of seed and iteration number.
    bool exact = false;
    std::uint32_t pct_k = 0;
    // Set by random and PCT at the start of each execution: what `exact` needs to run it again.
    std::uint64_t exec_seed = 0;
    std::uint32_t exec_k = 0;
    // Random and PCT, sharded (--shard I/N): this run's execution j (Relacy's iteration, from
    // 1) is execution (j - 1) * shard_count + shard_index of the whole search, whose seed it
    // draws; exec_iter is that number for the execution in progress.
    std::uint64_t shard_index = 1, shard_count = 1;
    std::uint64_t exec_iter = 0;
    // dpor, split (dpor_tree::split): the split's depth (0: none) and which subtrees this
    // process searches.
    int split_depth = 0;
    bool (*split_own)(void *cookie, std::uint64_t k) = nullptr;
    void *split_cookie = nullptr;
    // dpor: count how often states repeat (checks/search/states.h).
    bool count_states = false;
    // dpor: count the distinct traces (dpor_tree::count_traces()).
    bool count_traces = false;
};

// The whole search's number of the execution in progress (see search_params::shard_index).
inline std::uint64_t global_iteration(const search_params &sp, std::uint64_t iter)
{
    return (iter - 1) * sp.shard_count + sp.shard_index;
}

search_params &current_search_params();

// splitmix64: a small, good, seedable generator; one stream per execution.
struct rng64 {
    std::uint64_t s;
    explicit rng64(std::uint64_t seed = 0) : s(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
};

inline std::uint64_t execution_seed(std::uint64_t seed, std::uint64_t iteration)
{
    rng64 r(seed ^ (iteration * 0xd1342543de82ef95ull));
    return r.next();
}

// Adds decision recording to a Relacy scheduler. D is the final scheduler (Relacy's CRTP
// parameter), Base the Relacy scheduler it builds on.
template <class D, class Base>
class recorded : public Base {
public:
    using Base::Base;

protected:
    // The seeded searches (random, PCT): execution i of seed s draws from its own stream
    // (execution_seed()), or from seed s itself when one execution is run on its own (--exact).
    search_params &seed_execution()
    {
        search_params &sp = current_search_params();
        sp.exec_iter = global_iteration(sp, this->iter_);
        sp.exec_seed = sp.exact ? sp.seed : execution_seed(sp.seed, sp.exec_iter);
        return sp;
    }
    // The sequential policy: keep the running task, else the lowest runnable one.
    rl::thread_id_t fallback() const
    {
        if (this->thread_ && this->thread_->state_ == rl::thread_state_running)
            return this->thread_->index_;
        return lowest();
    }
    rl::thread_id_t lowest() const
    {
        rl::thread_id_t best = this->running_threads[0];
        for (rl::thread_id_t i = 1; i < this->running_threads_count; i++)
            if (this->running_threads[i] < best)
                best = this->running_threads[i];
        return best;
    }
    // In the scenario's prologue every search takes the sequential policy's decisions.
    static bool prologue() { return !model::rt::g_window; }
    bool runnable(rl::thread_id_t th) const
    {
        for (rl::thread_id_t i = 0; i < this->running_threads_count; i++)
            if (this->running_threads[i] == th)
                return true;
        return false;
    }
    void record_begin(rl::thread_id_t th, rl::thread_id_t fb)
    {
        current_log().reset();
        current_log().thread(static_cast<int>(th), static_cast<int>(fb), false);
    }
    void record(rl::thread_id_t th, rl::thread_id_t fb)
    {
        bool could_stay = this->thread_ && this->thread_->state_ == rl::thread_state_running;
        current_log().thread(static_cast<int>(th), static_cast<int>(fb), could_stay);
    }
    void record_rand(unsigned v, rl::sched_type t)
    {
        if (t == rl::sched_type_user)
            current_log().rand(v);
    }
};

// The bases a search S<thread_count> derives from: recorded, over Relacy's plain scheduler
// (the search decides every step itself) or over its tree search (`info` is
// rl::tree_search_scheduler_thread_info for every schedule, rl::context_bound_scheduler_thread_info
// for a preemption bound).
template <template <rl::thread_id_t> class S, rl::thread_id_t n>
using plain_search = recorded<S<n>, rl::scheduler<S<n>, rl::scheduler_thread_info, n>>;
template <template <rl::thread_id_t> class S, rl::thread_id_t n,
          template <rl::thread_id_t> class info>
using tree_of = rl::tree_search_scheduler<S<n>, info<n>, n>;
template <class D, class Tree>
class recorded_tree;
template <template <rl::thread_id_t> class S, rl::thread_id_t n,
          template <rl::thread_id_t> class info>
using tree_search = recorded_tree<S<n>, tree_of<S, n, info>>;

// What the tree searches share: the prologue runs the sequential policy and leaves the tree
// alone; from the window on, Relacy's tree search decides. Every decision is recorded.
template <class D, class Tree>
class recorded_tree : public recorded<D, Tree> {
public:
    using recorded<D, Tree>::recorded;

    unsigned rand_impl(unsigned limit, rl::sched_type t)
    {
        unsigned v = Tree::rand_impl(limit, t);
        this->record_rand(v, t);
        return v;
    }

protected:
    rl::thread_id_t tree_begin()
    {
        rl::thread_id_t fb = this->lowest();
        this->stree_depth_ = 0;
        rl::thread_id_t th = this->prologue() ? fb : Tree::iteration_begin_impl();
        this->record_begin(th, fb);
        return th;
    }
    // No yield reaches the tree search (see search-bound.h).
    rl::thread_id_t tree_schedule(rl::unpark_reason &reason)
    {
        rl::thread_id_t fb = this->fallback();
        if (this->prologue()) {
            reason = rl::unpark_reason_normal;
            this->record(fb, fb);
            return fb;
        }
        rl::thread_id_t th = Tree::schedule_impl(reason, 0);
        this->record(th, fb);
        return th;
    }
};

}  // namespace iowq
