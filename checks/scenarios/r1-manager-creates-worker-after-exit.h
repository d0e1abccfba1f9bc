// R1 (and R2): wq->refs completes wq->done early, and __io_wq_destroy() frees the io_wqe and the
// io_wq under a worker that is still alive.
//
// Question: can __io_wq_destroy() free the io_wqe or the io_wq while a worker still uses them?
// Tasks:    submitter: io_wq_create(); queue X (unbound, waits for I/O) and, once the fixed
//           worker runs X, Y (unbound), which has the manager create a worker.
//           destroyer: once Y has started, the last io_wq_destroy(). Waiting for Y keeps the
//           EXIT drain (R9, its own scenario) out of the way: on buggy it oopses first in
//           almost every schedule that reaches the drain, and hides R1.
//           The kernel's: io_wq_manager; the fixed worker; the late worker the manager creates.
// Explores: from the return of io_wq_create() on; before that the tasks run one at a time
//           (prologue).
// Focus:    a KASAN use-after-free on a struct io_wqe or struct io_wq. Anything else found on
//           the way (the late worker's early start racing create_io_worker(), R11) is reported
//           as outside the focus and the search goes on.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// The bug needs the manager preempted inside create_io_worker() while the destroyer waits in
// kthread_stop() and the fixed worker, X's I/O done, runs Y and exits.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r1_refs_complete_early : kit::program<2, 4> {
    static constexpr const char *task_names[] = {"submitter", "destroyer"};
    model_shared<struct io_wq *> wq;
    struct completion queued;
    kit::work_item *x = nullptr, *y = nullptr;

    static void submitter(r1_refs_complete_early *l)
    {
        MODEL_FRAME();
        struct io_wq_data data = {l->user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(4, &data);
        if (IS_ERR(wq)) {
            complete(&l->queued);
            return;
        }
        WRITE_ONCE(l->wq, wq);
        kit::explore_from_here();
        io_wq_enqueue(wq, &l->x->work);
        wait_for_completion(&l->x->started);
        io_wq_enqueue(wq, &l->y->work);
        complete(&l->queued);
    }
    static void destroyer(r1_refs_complete_early *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->queued);
        struct io_wq *wq = READ_ONCE(l->wq);
        if (!wq)
            return;
        wait_for_completion(&l->y->started);
        io_wq_destroy(wq);
    }
    void setup()
    {
        give_user(nr_tasks, 1ul << CAP_SYS_ADMIN, 4);
        init_completion(&queued);
        x = kit::new_work(true, false, true);
        y = kit::new_work(true, false);
    }
    void task(int i) { i == 0 ? submitter(this) : destroyer(this); }
    void teardown()
    {
        kit::free_work(x);
        kit::free_work(y);
        drop_user();
    }
};

inline bool r1_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_wqe", "struct io_wq");
}

}  // namespace iowq::scenario
