// Preemption-bounded exhaustive search: Relacy's context-bound tree search. Every schedule
// with at most `bound` preemptions is explored, once each (switches forced by a task blocking
// are free). A clean result is a proof within the bound.
//
// MODEL: Relacy's tree schedulers, when a thread parks, keep it from running again until every
// other thread has taken a step (a fairness heuristic for spin loops with yields). That would
// skip schedules in which a woken task runs first; the model never spins, so this search
// passes no yield to the tree search and keeps every schedule.
#pragma once

#include "checks/search/search-common.h"
#include "model/rt/rt.h"

namespace iowq {

template <rl::thread_id_t thread_count>
class bound_search
    : public tree_search<bound_search, thread_count, rl::context_bound_scheduler_thread_info> {
    using base_t = tree_search<bound_search, thread_count, rl::context_bound_scheduler_thread_info>;
    using tree_t = tree_of<bound_search, thread_count, rl::context_bound_scheduler_thread_info>;

public:
    using thread_info_t = typename base_t::thread_info_t;
    using shared_context_t = typename base_t::shared_context_t;

    using base_t::base_t;

    rl::thread_id_t iteration_begin_impl()
    {
        switches_remain_ = this->params_.context_bound;
        rl::thread_id_t th = this->tree_begin();
        in_window_ = !this->prologue();
        return th;
    }
    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned)
    {
        boundary();
        return this->tree_schedule(reason);
    }
    bool iteration_end_impl()
    {
        boundary();
        return tree_t::iteration_end_impl();
    }
    bool can_switch(thread_info_t &t)
    {
        t.sched_count_ += 1;
        return switches_remain_ != 0;
    }
    void on_switch(thread_info_t &t)
    {
        if (t.state_ == rl::thread_state_running)
            switches_remain_ -= 1;
        else
            t.forced_context_switch_count_ += 1;
    }
    double iteration_count_approx() { return 1.0; }

private:
    // Tests compare this search's steps with dpor_search's: the same steps are reported (none
    // of the prologue, as search-dpor.h does).
    void boundary()
    {
        if (!model::rt::g_step_hook)
            return;
        if (!in_window_) {
            model::rt::footprint fp;
            model::rt::fp_take(fp);
            in_window_ = !this->prologue();
            return;
        }
        model::rt::fp_boundary(static_cast<int>(this->thread_->index_));
    }

    unsigned switches_remain_ = 0;
    bool in_window_ = true;
};

}  // namespace iowq
