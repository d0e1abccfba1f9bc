// Full exhaustive search: every interleaving, every choice. Only for small tests: the number
// of schedules grows as a multinomial in the number of scheduling points.
#pragma once

#include "checks/search/search-common.h"

namespace iowq {

template <rl::thread_id_t thread_count>
class full_search
    : public tree_search<full_search, thread_count, rl::tree_search_scheduler_thread_info> {
    using base_t = tree_search<full_search, thread_count, rl::tree_search_scheduler_thread_info>;

public:
    using thread_info_t = typename base_t::thread_info_t;
    using shared_context_t = typename base_t::shared_context_t;

    using base_t::base_t;

    rl::thread_id_t iteration_begin_impl() { return this->tree_begin(); }
    rl::thread_id_t schedule_impl(rl::unpark_reason &reason, unsigned)
    {
        return this->tree_schedule(reason);
    }
    bool can_switch(thread_info_t &) { return true; }
    void on_switch(thread_info_t &) {}
    double iteration_count_approx()
    {
        double total = 1;
        for (const auto &n : this->stree_)
            total *= n.count_;
        return total;
    }
};

}  // namespace iowq
