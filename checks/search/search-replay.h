// Replay: one execution that follows a schedule script (checks/search/choices.h) and takes the
// sequential policy's decision everywhere the script does not say otherwise. With an empty
// script it is the sequential search: no preemption, and when the running task blocks, the
// lowest-numbered runnable task runs; every other choice takes its first option.
//
// Guided (search_params::segments, for the shrinker): the script's runs of tasks are followed
// instead, each as far as it can be (a task that blocks gives up the rest of its run, one not
// runnable when its run begins gives up all of it), then the sequential policy; the script's
// own choices are taken where their limit allows. Nothing diverges: a guided replay is a new
// schedule, which its own log records.
#pragma once

#include "checks/search/search-common.h"

namespace iowq {

template <rl::thread_id_t thread_count>
class replay_search : public plain_search<replay_search, thread_count> {
    using base_t = plain_search<replay_search, thread_count>;

public:
    struct task_t {};

    using base_t::base_t;

    rl::thread_id_t iteration_begin_impl()
    {
        script_ = current_search_params().script;
        status_ = current_search_params().status;
        segments_ = current_search_params().segments;
        seg_ = 0;
        used_ = 0;
        decision_ = 0;
        choice_ = 0;
        next_thread_ = 0;
        next_rand_ = 0;
        rl::thread_id_t fb = this->lowest();
        rl::thread_id_t th = pick(fb);
        this->record_begin(th, fb);
        return th;
    }
    bool iteration_end_impl() { return true; }
    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned)
    {
        reason = rl::unpark_reason_normal;
        rl::thread_id_t fb = this->fallback();
        rl::thread_id_t th = pick(fb);
        this->record(th, fb);
        return th;
    }
    unsigned rand_impl(unsigned limit, rl::sched_type t)
    {
        unsigned v = 0;
        if (t == rl::sched_type_user) {
            if (script_ && !diverged() && next_rand_ < script_->rands.size() &&
                script_->rands[next_rand_].first == choice_) {
                v = script_->rands[next_rand_++].second;
                if (v >= limit) {
                    if (!segments_)
                        diverge();
                    v = 0;
                }
            }
            choice_++;
        }
        this->record_rand(v, t);
        return v;
    }
    rl::iteration_t iteration_count_impl() { return 1; }
    void get_state_impl(std::ostream &) {}
    void set_state_impl(std::istream &) {}
    void on_thread_block(rl::thread_id_t, bool) {}

private:
    bool diverged() const { return status_ && status_->diverged; }
    void diverge()
    {
        if (status_ && !status_->diverged) {
            status_->diverged = true;
            status_->diverged_at = decision_;
        }
    }
    rl::thread_id_t guided(rl::thread_id_t fb)
    {
        decision_++;
        for (; seg_ < segments_->size(); seg_++, used_ = 0) {
            const segment &s = (*segments_)[seg_];
            if (used_ < s.steps && s.thread < thread_count && this->runnable(s.thread)) {
                used_++;
                return s.thread;
            }
        }
        return fb;
    }
    rl::thread_id_t pick(rl::thread_id_t fb)
    {
        if (segments_)
            return guided(fb);
        rl::thread_id_t th = fb;
        if (script_ && !diverged() && next_thread_ < script_->threads.size() &&
            script_->threads[next_thread_].first == decision_) {
            rl::thread_id_t want = script_->threads[next_thread_++].second;
            if (want < thread_count && this->runnable(want))
                th = want;
            else
                diverge();
        }
        decision_++;
        return th;
    }

    const schedule_script *script_ = nullptr;
    script_status *status_ = nullptr;
    std::uint32_t decision_ = 0, choice_ = 0;
    std::size_t next_thread_ = 0, next_rand_ = 0;
    const std::vector<segment> *segments_ = nullptr;
    std::size_t seg_ = 0;
    std::uint32_t used_ = 0;
};

}  // namespace iowq
