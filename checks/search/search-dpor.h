// Preemption-bounded search with partial-order reduction (checks/search/dpor.h): the same guarantee
// as the context-bound search (every schedule with at most `bound` preemptions, up to the
// order of independent steps), with far fewer executions. What `verify` uses.
#pragma once

#include "checks/search/dpor.h"
#include "checks/search/search-common.h"

namespace iowq {

// The statistics of the last search.
dpor_stats &last_dpor_stats();
// While a dpor search runs: its branches still to try (dpor_tree::pending()), for progress
// lines (checks/search/runner.cc); nullptr otherwise.
extern std::int64_t (*g_dpor_pending)();
// While a dpor search runs: whether the tree is abandoning its execution (another process
// searches its subtree, or every candidate slept: dpor_tree::abandoning()), for tests; nullptr
// otherwise.
extern bool (*g_dpor_abandoning)();

template <rl::thread_id_t thread_count>
class dpor_search : public plain_search<dpor_search, thread_count> {
    using base_t = plain_search<dpor_search, thread_count>;
    static_assert(thread_count <= dpor_tree::max_threads);

public:
    using thread_info_t = typename base_t::thread_info_t;
    using shared_context_t = typename base_t::shared_context_t;
    struct task_t {};

    dpor_search(rl::test_params &p, shared_context_t &ctx, rl::thread_id_t dyn)
        : base_t(p, ctx, dyn), tree_(static_cast<int>(p.context_bound))
    {
        model::rt::g_fp_on = true;
        const search_params &sp = current_search_params();
        tree_.set_split({sp.split_depth, sp.split_own, sp.split_cookie});
        if (sp.count_traces)
            tree_.count_traces();
        if (sp.count_states) {
            tree_.count_states();
            model::rt::g_state_on = true;
            model::rt::g_atomic_record_hb = &atomic_record_hb;
        }
        self_ = this;
        model::rt::g_cut_hook = &on_cut;
        g_dpor_pending = &live_pending;
        g_dpor_abandoning = &live_abandoning;
    }
    ~dpor_search()
    {
        model::rt::g_cut_hook = nullptr;
        g_dpor_pending = nullptr;
        g_dpor_abandoning = nullptr;
        self_ = nullptr;
        model::rt::g_fp_on = false;
        model::rt::g_state_on = false;
        model::rt::g_atomic_record_hb = nullptr;
        last_dpor_stats() = tree_.stats();
    }

    rl::thread_id_t iteration_begin_impl()
    {
        tree_.begin();
        cut_pending_ = 0;
        in_window_ = !this->prologue();
        rl::thread_id_t fb = this->lowest();
        rl::thread_id_t th = decide(-1, false, fb);
        this->record_begin(th, fb);
        return th;
    }
    bool iteration_end_impl()
    {
        close_step();
        return !tree_.next();
    }
    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned)
    {
        reason = rl::unpark_reason_normal;
        close_step();
        rl::thread_id_t fb = this->fallback();
        const thread_info_t &t = *this->thread_;
        rl::thread_id_t th =
            decide(static_cast<int>(t.index_), t.state_ == rl::thread_state_running, fb);
        this->record(th, fb);
        return th;
    }
    unsigned rand_impl(unsigned limit, rl::sched_type t)
    {
        unsigned v = tree_.rand(limit);
        if (tree_.skipping())
            model::rt::request_cut("another process searches this subtree");
        this->record_rand(v, t);
        return v;
    }
    rl::iteration_t iteration_count_impl() { return this->iter_ + 2; }
    void get_state_impl(std::ostream &) {}
    void set_state_impl(std::istream &) {}
    void on_thread_block(rl::thread_id_t, bool) {}

private:
    void close_step()
    {
        model::rt::footprint fp;
        model::rt::fp_take(fp);
        if (!in_window_) {
            // A step of the prologue: nothing to reorder. The window opens with the next one.
            in_window_ = !this->prologue();
            return;
        }
        if (model::rt::g_step_hook)
            model::rt::g_step_hook(static_cast<int>(this->thread_->index_), fp);
        if (model::rt::cutting())
            tree_.cut_here(fp, cut_pending_);  // once: then the tree has stopped
        else
            tree_.step_done(fp);
    }
    static std::int64_t live_pending() { return static_cast<std::int64_t>(self_->tree_.pending()); }
    static bool live_abandoning() { return self_->tree_.abandoning(); }
    // In the step that cuts the execution, before the sleeping tasks are woken to unwind:
    // which other tasks could have run next.
    static void on_cut()
    {
        dpor_search &s = *self_;
        dpor_tree::tset m = 0;
        for (rl::thread_id_t i = 0; i < s.running_threads_count; i++)
            if (s.running_threads[i] != s.thread_->index_)
                m |= dpor_tree::tset(1) << s.running_threads[i];
        s.cut_pending_ = m;
    }
    rl::thread_id_t decide(int cur, bool cur_enabled, rl::thread_id_t fb)
    {
        if (!in_window_)
            return fb;
        dpor_tree::tset enabled = 0;
        for (rl::thread_id_t i = 0; i < this->running_threads_count; i++)
            enabled |= dpor_tree::tset(1) << this->running_threads[i];
        int th = tree_.pick(enabled, cur, cur_enabled);
        if (th >= 0)
            return static_cast<rl::thread_id_t>(th);
        // Nothing new lies below, or nothing this process searches: abandon the execution
        // (its tasks unwind on their own).
        model::rt::request_cut(tree_.skipping() ? "another process searches this subtree"
                                                : "every runnable task sleeps");
        return fb;
    }
    // The clock Relacy's atomic (its atomic_data, sized for this search's threads) hands a
    // load of its last store, hashed: model::rt::state_hb_hash()'s part for atomics.
    static std::uint64_t atomic_record_hb(const void *data)
    {
        const auto &d = *static_cast<const rl::atomic_data_impl<thread_count> *>(
            static_cast<const rl::atomic_data *>(data));
        const auto &rec = d.history_[d.current_index_ % rl::atomic_history_size];
        if (!rec.busy_)
            return 0;
        std::uint64_t h = model::rt::state_mix(rec.thread_id_ + 1, rec.acq_rel_timestamp_);
        for (rl::thread_id_t j = 0; j < thread_count; j++)
            h = model::rt::state_mix(h, rec.acq_rel_order_[j]);
        return h;
    }

    static inline dpor_search *self_ = nullptr;
    dpor_tree tree_;
    dpor_tree::tset cut_pending_ = 0;
    bool in_window_ = true;
};

}  // namespace iowq
