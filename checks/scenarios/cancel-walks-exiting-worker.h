// Cancellation racing a worker's exit (issue 17, item 4): no race of the notes, a question.
//
// Question: can io_wq_cancel_work(), io_wq_cancel_pid() (through io_wq_cancel_cb(), as
//           io_uring_flush() calls it) or io_wq_cancel_all() reach a worker that has exited and
//           been freed while they walk the workers, or lose the reference an exiting worker
//           waits for?
// Tasks:    submitter: io_wq_create(1 bound worker; RLIMIT_NPROC 1); queue X (bound, blocks:
//           the fixed worker stays busy, and X carries the submitter's pid, as io_uring marks
//           its requests); queue Y (unbound: the manager creates an unbound worker, which runs
//           Y and goes idle); once Y is done, io_wq_cancel_work(Y), io_wq_cancel_pid(own pid)
//           and io_wq_cancel_all(), each a walk of every worker, while that idle worker's
//           timer may fire and it exits; release X; io_wq_destroy(). The kernel's:
//           io_wq_manager, the fixed worker, the unbound worker(s).
// Explores: from the return of io_wq_create() on; before that the tasks run one at a time
//           (prologue).
// Timers:   only the unbound workers' idle timers fire (once each): the exit the walks race.
// Focus:    a KASAN report on a struct io_worker or struct task_struct inside one of the three
//           cancel calls. The walks hold rcu_read_lock() and the worker is freed by kfree_rcu()
//           after it left all_list, so a version with RCU is clean; whatif-no-rcu is not.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Search:   dpor at bound 2, complete in about 15 s (bound 1, complete in under a second,
//           does not reach a walk that meets the freed worker: it takes two preemptions).
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct cancel_walks_exiting_worker : kit::three_items<5> {
    static constexpr const char *task_names[] = {"submitter"};

    static void submitter(cancel_walks_exiting_worker *l)
    {
        MODEL_FRAME();
        struct io_wq *wq = l->create_and_queue_x_y();
        if (!wq)
            return;
        wait_for_completion(&l->y->done);
        io_wq_cancel_work(wq, &l->y->work);
        io_wq_cancel_pid(wq, task_pid_vnr(current));
        io_wq_cancel_all(wq);
        complete(&l->x->release);
        io_wq_destroy(wq);
    }
    void setup()
    {
        setup_items(false);
        // io_uring's io_prep_async_work() marks a request with its submitter's pid.
        x->work.task_pid = kit::task_of(0)->pid;
    }
    void task(int) { submitter(this); }
};

inline bool cancel_focus(const model::rt::finding &f)
{
    return (kasan_on(f, "struct io_worker", "struct task_struct")) &&
           (finding_in(f, "io_wq_cancel_work") || finding_in(f, "io_wq_cancel_cb") ||
            finding_in(f, "io_wq_cancel_all"));
}

}  // namespace iowq::scenario
