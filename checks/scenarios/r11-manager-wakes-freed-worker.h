// R11 (found by this model; not in the notes): create_io_worker() publishes the new worker on
// the free list, drops wqe->lock, and only then reads worker->task to wake it. The worker's
// kthread has not run yet, but any wake_up_process() starts it, and io_wqe_activate_free_worker()
// finds it on the free list: an enqueue in that window starts the worker, which can run its
// work, go idle, time out (it is not the fixed worker), exit and be freed before the manager
// reads worker->task.
//
// Question: can the manager's create_io_worker() read a worker that has already exited and
//           been freed?
// Tasks:    submitter: io_wq_create(1 bound worker; RLIMIT_NPROC 1); queue X (bound, blocks:
//           the fixed worker stays busy); queue Y (unbound: the manager creates an unbound
//           worker); queue Z (unbound), whose wake-up finds the new worker on the free list;
//           wait for Y and Z; release X; io_wq_destroy(). The kernel's: io_wq_manager, the
//           fixed worker, the unbound worker.
// Explores: from the return of io_wq_create() on; before that the tasks run one at a time
//           (prologue).
// Timers:   only the unbound worker's idle timer fires (once); in the kernel that is 5 s, so
//           the manager must stay off the CPU that long between spin_unlock_irq() and
//           wake_up_process() (a preempted kthread on a loaded machine or a preempted vCPU).
// Focus:    a KASAN use-after-free on a struct io_worker in create_io_worker().
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r11_manager_wakes_freed_worker : kit::three_items<4> {
    static constexpr const char *task_names[] = {"submitter"};

    static void submitter(r11_manager_wakes_freed_worker *l)
    {
        MODEL_FRAME();
        struct io_wq *wq = l->create_and_queue_x_y();
        if (!wq)
            return;
        io_wq_enqueue(wq, &l->z->work);
        wait_for_completion(&l->y->done);
        wait_for_completion(&l->z->done);
        complete(&l->x->release);
        io_wq_destroy(wq);
    }
    void setup() { setup_items(true); }
    void task(int) { submitter(this); }
};

inline bool r11_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_worker") && finding_in(f, "create_io_worker");
}

}  // namespace iowq::scenario
