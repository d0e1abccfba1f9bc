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
// Result:   buggy, patched, parent  clean: io_worker_get() runs under rcu_read_lock() and the
//                    worker is freed with kfree_rcu(), after it left the free list under the lock
//           whatif-no-rcu  KASAN: use-after-free Read in refcount_inc_not_zero (kfree() instead
//                    of kfree_rcu(): the pattern RCU exists to prevent)
// Search:   dpor at bound 1 (complete in under a second); bound 2 is verify's.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r3_enqueue_gets_exiting_worker : kit::with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 5;
    static constexpr const char *task_names[] = {"submitter"};
    kit::work_item *x = nullptr, *y = nullptr, *z = nullptr;

    static void submitter(r3_enqueue_gets_exiting_worker *l)
    {
        MODEL_FRAME();
        struct io_wq_data data = {l->user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(1, &data);
        if (IS_ERR(wq))
            return;
        kit::explore_from_here();
        io_wq_enqueue(wq, &l->x->work);
        wait_for_completion(&l->x->started);
        io_wq_enqueue(wq, &l->y->work);
        wait_for_completion(&l->y->done);
        io_wq_enqueue(wq, &l->z->work);
        complete(&l->x->release);
        wait_for_completion(&l->z->done);
        io_wq_destroy(wq);
    }
    void setup()
    {
        give_user(nr_tasks, 1ul << CAP_SYS_ADMIN, 1);
        x = kit::new_work(false, true);
        y = kit::new_work(true, false);
        z = kit::new_work(false, false);
    }
    void task(int) { submitter(this); }
    void teardown()
    {
        kit::free_work(x);
        kit::free_work(y);
        kit::free_work(z);
        drop_user();
    }
};

inline bool r3_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_worker") && finding_in(f, "io_worker_get");
}

inline scenario_info r3_info()
{
    scenario_info s = kit::info_for<r3_enqueue_gets_exiting_worker>();
    s.id = 3;
    s.name = "r3-enqueue-gets-exiting-worker";
    s.question = "can io_wqe_activate_free_worker() take a reference on a freed worker?";
    s.tasks = "submitter (create; queue X, Y, Z; release X; destroy); io_wq_manager; the fixed "
              "worker; the unbound workers";
    s.expect_buggy = "clean";
    s.expect_patched = "clean";
    s.expect_whatif = "KASAN: use-after-free Read in refcount_inc_not_zero";
    s.expect_parent = "clean";
    s.focus = &r3_focus;
    s.focus_text = "a KASAN use-after-free on a struct io_worker in io_worker_get()";
    s.timeouts_for = &kit::unbound_workers_time_out_once;
    s.bound = 1;
    s.prologue = true;
    return s;
}

}  // namespace iowq::scenario
