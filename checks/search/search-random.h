// The random search: a random walk over the schedules with a real seed (execution i of seed
// s draws from its own stream, so that any execution can be run again on its own). At every
// scheduling point the running task keeps the CPU with probability stay% (--stay); otherwise,
// and whenever it cannot run, the next task is a uniform choice among the runnable ones, as in
// Relacy's random scheduler (which is --stay 0). The one exception is the point between a
// plain read-modify-write's load and its store (model::rt::plain_rmw_point()): there the next
// task is always drawn afresh, because that point exists only so that another task's write can
// come between the two halves (race-directed, as RaceFuzzer pauses a task at a racing access;
// docs/performance.md measures what it changes). Every other choice is uniform.
#pragma once

#include "checks/search/search-common.h"

namespace iowq {

template <rl::thread_id_t thread_count>
class random_search : public plain_search<random_search, thread_count> {
    using base_t = plain_search<random_search, thread_count>;

public:
    struct task_t {};

    using base_t::base_t;

    rl::thread_id_t iteration_begin_impl()
    {
        search_params &sp = this->seed_execution();
        rng_ = rng64(sp.exec_seed);
        stay_ = sp.stay;
        rl::thread_id_t fb = this->lowest();
        rl::thread_id_t th =
            this->prologue() ? fb : this->running_threads[rng_.below(this->running_threads_count)];
        this->record_begin(th, fb);
        return th;
    }
    bool iteration_end_impl() { return this->iter_ >= this->params_.iteration_count; }
    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned)
    {
        reason = rl::unpark_reason_normal;
        rl::thread_id_t fb = this->fallback();
        rl::thread_id_t th;
        if (this->prologue())
            th = fb;
        else if (stay_ && this->thread_ && this->thread_->state_ == rl::thread_state_running &&
                 rng_.below(100) < stay_at(this->thread_->index_))
            th = this->thread_->index_;
        else
            th = this->running_threads[rng_.below(this->running_threads_count)];
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
    // Never stay at a plain read-modify-write's split point: it is there only so that another
    // task can come between the load and the store.
    unsigned stay_at(rl::thread_id_t th) const
    {
        return (model::rt::g_at_rmw >> th) & 1u ? 0u : stay_;
    }
    rng64 rng_;
    unsigned stay_ = 0;
};

}  // namespace iowq
