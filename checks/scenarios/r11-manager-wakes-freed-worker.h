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
// Result:   buggy, patched, parent, whatif-no-rcu  KASAN: use-after-free Read in
//                    create_io_worker. None of the era's fixes touches this window; the 5.12
//                    rewrite of worker creation (create_io_thread(), woken by
//                    wake_up_new_task() through the creator's own pointer) closed it
//                    [inference: the 5.12 code was not read for this].
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r11_manager_wakes_freed_worker : kit::with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"submitter"};
    kit::work_item *x = nullptr, *y = nullptr, *z = nullptr;

    static void submitter(r11_manager_wakes_freed_worker *l)
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
        io_wq_enqueue(wq, &l->z->work);
        wait_for_completion(&l->y->done);
        wait_for_completion(&l->z->done);
        complete(&l->x->release);
        io_wq_destroy(wq);
    }
    void setup()
    {
        give_user(nr_tasks, 1ul << CAP_SYS_ADMIN, 1);
        x = kit::new_work(false, true);
        y = kit::new_work(true, false);
        z = kit::new_work(true, false);
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

inline bool r11_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_worker") && finding_in(f, "create_io_worker");
}

inline scenario_info r11_info()
{
    scenario_info s = kit::info_for<r11_manager_wakes_freed_worker>();
    s.id = 11;
    s.name = "r11-manager-wakes-freed-worker";
    s.question = "can create_io_worker() read a worker that has already exited and been freed?";
    s.tasks = "submitter (create; queue X, Y, Z; release X; destroy); io_wq_manager; the fixed "
              "worker; the unbound worker";
    s.expect_buggy = "KASAN: use-after-free Read in create_io_worker";
    s.expect_patched = "KASAN: use-after-free Read in create_io_worker";
    s.expect_whatif = "KASAN: use-after-free Read in create_io_worker";
    s.expect_parent = "KASAN: use-after-free Read in create_io_worker";
    s.focus = &r11_focus;
    s.focus_text = "a KASAN use-after-free on a struct io_worker in create_io_worker()";
    s.timeouts_for = &kit::unbound_workers_time_out_once;
    s.bound = 2;
    s.prologue = true;
    return s;
}

}  // namespace iowq::scenario
