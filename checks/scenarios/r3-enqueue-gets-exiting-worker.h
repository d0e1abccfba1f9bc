// R3: the submit path's io_worker_get() racing a worker's exit.
//
// Question: can io_wqe_enqueue() -> io_wqe_wake_worker() -> io_wqe_activate_free_worker() take
//           a reference (refcount_inc_not_zero) on a worker that has exited and been freed?
// Tasks:    submitter: io_wq_create(1 bound worker; RLIMIT_NPROC 1); queue X (bound, blocks:
//           the fixed worker stays busy); queue Y (unbound: the manager creates an unbound
//           worker, which runs Y and goes idle); queue Z (bound), whose wake-up finds that
//           idle worker on the free list while its idle timer fires and it exits; release X;
//           wait for Z; io_wq_destroy(). The kernel's: io_wq_manager, the fixed worker, the
//           unbound worker(s).
// Explores: from the return of io_wq_create() on; before that the tasks run one at a time
//           (prologue).
// Timers:   only the unbound workers' idle timers fire (once each). The fixed worker's would
//           let R1 in, which is r1's question.
// Focus:    a KASAN use-after-free on a struct io_worker reached through io_worker_get(). (The
//           manager's own read of a freed worker, R11, can happen here too: r11's question.)
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Search:   dpor at bound 1 (complete in under a second); bound 2 is verify's.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r3_enqueue_gets_exiting_worker : kit::three_items<5> {
    static constexpr const char *task_names[] = {"submitter"};

    static void submitter(r3_enqueue_gets_exiting_worker *l)
    {
        MODEL_FRAME();
        struct io_wq *wq = l->create_and_queue_x_y();
        if (!wq)
            return;
        wait_for_completion(&l->y->done);
        io_wq_enqueue(wq, &l->z->work);
        complete(&l->x->release);
        wait_for_completion(&l->z->done);
        io_wq_destroy(wq);
    }
    void setup() { setup_items(false); }
    void task(int) { submitter(this); }
};

inline bool r3_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_worker") && finding_in(f, "io_worker_get");
}

}  // namespace iowq::scenario
