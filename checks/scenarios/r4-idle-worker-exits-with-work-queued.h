// R4: an idle worker exits while work is being queued: the work waits for a timeout.
//
// Question: can queued work be left with nobody woken to run it, so that only a timer (the
//           manager's one-second poll, a worker's idle timeout) can get it going?
// Tasks:    submitter: io_wq_create(1 bound worker; RLIMIT_NPROC 1); queue X (bound, blocks:
//           the fixed worker stays busy); queue Y (unbound: the manager creates an unbound
//           worker, which runs Y and goes idle); queue Z (unbound) just as that worker's idle
//           timer fires; wait for Z; release X; io_wq_destroy(). The kernel's: io_wq_manager,
//           the fixed worker, the unbound worker(s).
// Explores: from the return of io_wq_create() on; before that the tasks run one at a time
//           (prologue).
// Oracle:   when every task is blocked and only a timer could wake one, a wqe with runnable
//           work whose free list holds a sleeping worker, or whose free list is empty while
//           the work's account may still grow, has lost a wake-up.
// Focus:    a lost wake-up. Anything else (the known issue R11, which this scenario's early
//           worker start reaches at bound 2) is reported outside the focus.
// Timers:   the unbound workers' idle timers fire once each; the manager's poll timer never
//           fires (it is the timeout the lost wake-up waits for).
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r4_idle_worker_exits : kit::three_items<5> {
    static constexpr const char *task_names[] = {"submitter"};
    model_shared<struct io_wq *> wq;
    static inline r4_idle_worker_exits *current_run = nullptr;

    static void submitter(r4_idle_worker_exits *l)
    {
        MODEL_FRAME();
        struct io_wq *wq = l->create_and_queue_x_y(&l->wq);
        if (!wq)
            return;
        wait_for_completion(&l->y->done);
        io_wq_enqueue(wq, &l->z->work);
        wait_for_completion(&l->z->done);
        complete(&l->x->release);
        io_wq_destroy(wq);
    }
    void setup()
    {
        current_run = this;
        setup_items(true);
    }
    void task(int) { submitter(this); }
};

// Called with every task parked and a timer pending.
const char *r4_lost_wakeup();

inline bool r4_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::lost_wakeup;
}

}  // namespace iowq::scenario
