// PCT, probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010), seeded.
//
// Each execution gives every task a random priority and picks depth-1 change points among the
// first k scheduling decisions (k: the longest execution seen so far). The highest-priority
// runnable task always runs; at the i-th change point the running task drops to priority i,
// below every initial one. A bug that needs d ordering constraints is found with probability
// at least 1/(n k^(d-1)) per execution, for n tasks, whatever the program's size.
#pragma once

#include <algorithm>

#include "checks/search/search-common.h"

namespace iowq {

template <rl::thread_id_t thread_count>
class pct_search : public plain_search<pct_search, thread_count> {
    using base_t = plain_search<pct_search, thread_count>;

public:
    struct task_t {};

    using base_t::base_t;

    rl::thread_id_t iteration_begin_impl()
    {
        search_params &sp = this->seed_execution();
        if (sp.exact)
            k_ = sp.pct_k;
        sp.exec_k = k_;
        rng_ = rng64(sp.exec_seed);
        depth_ = std::max(1u, current_search_params().depth);
        // Distinct initial priorities depth .. depth + n - 1, in random order.
        for (rl::thread_id_t i = 0; i < thread_count; i++)
            prio_[i] = depth_ + i;
        for (rl::thread_id_t i = thread_count; i > 1; i--)
            std::swap(prio_[i - 1], prio_[rng_.below(i)]);
        nchange_ = 0;
        for (unsigned i = 1; i < depth_ && nchange_ < max_changes; i++)
            change_[nchange_++] = 1 + rng_.below(std::max(1u, k_));
        std::sort(change_, change_ + nchange_);
        next_change_ = 0;
        step_ = 0;
        rl::thread_id_t fb = this->lowest();
        rl::thread_id_t th = this->prologue() ? fb : highest();
        this->record_begin(th, fb);
        return th;
    }
    bool iteration_end_impl()
    {
        k_ = std::max(k_, step_);
        return this->iter_ >= this->params_.iteration_count;
    }
    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned)
    {
        reason = rl::unpark_reason_normal;
        rl::thread_id_t fb = this->fallback();
        if (this->prologue()) {
            this->record(fb, fb);
            return fb;
        }
        step_++;
        while (next_change_ < nchange_ && change_[next_change_] == step_) {
            if (this->thread_)
                prio_[this->thread_->index_] = next_change_;
            next_change_++;
        }
        rl::thread_id_t th = highest();
        this->record(th, fb);
        return th;
    }
    unsigned rand_impl(unsigned limit, rl::sched_type t)
    {
        unsigned v = rng_.below(limit);
        this->record_rand(v, t);
        return v;
    }
    rl::iteration_t iteration_count_impl() { return this->params_.iteration_count; }
    void get_state_impl(std::ostream &) {}
    void set_state_impl(std::istream &) {}
    void on_thread_block(rl::thread_id_t, bool) {}

private:
    static constexpr unsigned max_changes = 16;
    rl::thread_id_t highest() const
    {
        rl::thread_id_t best = this->running_threads[0];
        for (rl::thread_id_t i = 1; i < this->running_threads_count; i++)
            if (prio_[this->running_threads[i]] > prio_[best])
                best = this->running_threads[i];
        return best;
    }

    rng64 rng_;
    unsigned depth_ = 3;
    unsigned prio_[thread_count] = {};
    unsigned change_[max_changes] = {};
    unsigned nchange_ = 0, next_change_ = 0;
    unsigned step_ = 0;
    unsigned k_ = 200;  // until an execution has been seen
};

}  // namespace iowq
