// R9: work still queued when the wq is destroyed.
//
// Question: when a worker leaves its loop because of EXIT and drains the queued work, can
//           io_worker_exit() unlink it from a free list it is no longer on?
// Tasks:    submitter: io_wq_create(); queue one work item; io_wq_destroy() at once. The
//           kernel's: io_wq_manager, the fixed worker.
// Explores: from the return of io_wq_create() on; before that the tasks run one at a time
//           (prologue).
// Focus:    the NULL pointer write of hlist_nulls_del_rcu() in io_worker_exit.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Through io_uring this cannot happen in v5.6 (a ring's teardown waits for its requests
// before it destroys the wq); io-wq's EXIT drain exists for exactly this situation.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r9_exit_drain : kit::program<1, 3> {
    static constexpr const char *task_names[] = {"submitter"};
    kit::work_item *w = nullptr;

    static void queue_then_destroy(r9_exit_drain *l)
    {
        MODEL_FRAME();
        struct io_wq_data data = {l->user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(4, &data);
        if (IS_ERR(wq))
            return;
        kit::explore_from_here();
        io_wq_enqueue(wq, &l->w->work);
        io_wq_destroy(wq);
    }
    void setup()
    {
        give_user(nr_tasks, 0, 4096);
        w = kit::new_work(false, false);
    }
    void task(int) { queue_then_destroy(this); }
    void teardown()
    {
        kit::free_work(w);
        drop_user();
    }
};

inline bool r9_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::null_deref && finding_in(f, "io_worker_exit");
}

}  // namespace iowq::scenario
