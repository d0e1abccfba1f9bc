// The sequential strategy: one execution, no preemption. The running task keeps the CPU until
// it blocks or finishes; then the lowest-numbered runnable task runs. Every other choice (a
// timer that could fire early, which pending timer fires) takes its first option. This is the
// canonical "nothing unusual happens" run that deterministic tests pin.
#pragma once

#include "model/rt/relacy.h"

namespace iowq {

template <rl::thread_id_t thread_count>
class sequential_scheduler : public rl::scheduler<sequential_scheduler<thread_count>,
                                                  rl::scheduler_thread_info, thread_count> {
public:
    using base_t =
        rl::scheduler<sequential_scheduler<thread_count>, rl::scheduler_thread_info, thread_count>;
    using thread_info_t = typename base_t::thread_info_t;
    using shared_context_t = typename base_t::shared_context_t;
    struct task_t {};

    sequential_scheduler(rl::test_params &params, shared_context_t &ctx,
                         rl::thread_id_t dynamic_thread_count)
        : base_t(params, ctx, dynamic_thread_count)
    {}

    rl::thread_id_t iteration_begin_impl() { return lowest(); }
    bool iteration_end_impl() { return true; }

    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned /*yield*/)
    {
        reason = rl::unpark_reason_normal;
        if (this->thread_ && this->thread_->state_ == rl::thread_state_running)
            return this->thread_->index_;
        return lowest();
    }

    unsigned rand_impl(unsigned /*limit*/, rl::sched_type /*t*/) { return 0; }
    rl::iteration_t iteration_count_impl() { return 1; }
    void get_state_impl(std::ostream &) {}
    void set_state_impl(std::istream &) {}
    void on_thread_block(rl::thread_id_t, bool) {}

private:
    rl::thread_id_t lowest() const
    {
        rl::thread_id_t best = this->running_threads[0];
        for (rl::thread_id_t i = 1; i < this->running_threads_count; i++)
            if (this->running_threads[i] < best)
                best = this->running_threads[i];
        return best;
    }
};

}  // namespace iowq
