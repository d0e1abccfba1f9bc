// What the scenarios share: the user their tasks run as, io-wq work items with controlled
// behaviour, waiting on a ring's completions, a short sleep, and the scenarios' own checks.
#pragma once

#include <cstring>

#include "checks/scenarios/scenario.h"
#include "model/io-wq.h"
#include "model/io_uring.h"
#include "model/linux/bug.h"
#include "model/linux/capability.h"
#include "model/linux/slab.h"

namespace iowq::kit {

// The task_struct of the scenario's static task i.
inline task_struct *task_of(int i)
{
    return model::rt::task_at(i + 1);
}

// Gives each static task the same user (one reference, dropped by drop_user()), capabilities
// and RLIMIT_NPROC.
struct with_user {
    struct user_struct *user = nullptr;
    void give_user(int nr_tasks, unsigned long caps, unsigned long nproc)
    {
        user = model_alloc_uid(1000);
        for (int i = 0; i < nr_tasks; i++) {
            task_struct *t = task_of(i);
            t->user = user;
            t->cap_effective = caps;
            t->rlim_nproc = nproc;
        }
    }
    void drop_user() { free_uid(user); }
};

// A scenario_info with what every scenario's class L gives the same way filled in: how to run
// it, its static tasks and their names.
template <class L>
scenario_info info_for()
{
    scenario_info s{};
    s.run = &run_scenario<L>;
    s.nr_tasks = L::nr_tasks;
    s.task_names = L::task_names;
    return s;
}

// A scenario_info::timeouts_for: only the unbound workers ("io_wqe_worker-1/..") have a timer
// that may fire, once each.
inline int unbound_workers_time_out_once(const char *comm)
{
    return std::strncmp(comm, "io_wqe_worker-1", 15) == 0 ? 1 : 0;
}

// The end of the scenario's prologue (scenario_info::prologue): the search explores from here.
inline void explore_from_here()
{
    model::rt::open_window();
}

// The task sleeps a moment (msleep()), so that what it woke gets to run.
inline void msleep_a_little()
{
    MODEL_FRAME_NAMED("msleep");
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule_timeout(1);
}

// A scenario's own check of what userspace saw: a finding if it does not hold.
void check(bool ok, const char *what);

// An io-wq work item whose function the scenario controls (for the io-wq-level scenarios,
// which queue work the way io_uring does, without a ring).
struct work_item {
    struct io_wq_work work;
    struct completion started;  // completed when its function starts
    struct completion release;  // a blocking item returns when this is completed
    struct completion done;     // completed when its function returns
    model_shared<int> cancelled;
    bool blocks = false;        // waits for `release`
    bool waits_for_io = false;  // sleeps until its timer fires, as a read waiting for data
};

work_item *new_work(bool unbound, bool blocks, bool waits_for_io = false);
void free_work(work_item *w);

// The io_uring CQ of the ring scenarios, initialised.
void init_cq(struct io_uring_cq *cq);

}  // namespace iowq::kit
