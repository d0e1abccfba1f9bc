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
// Result:   buggy, parent  INFO: lost wake-up: work is queued and the manager was not woken
//                    (io_wqe_activate_free_worker() counted the exiting worker as woken)
//           patched  clean (83d6c39310b6: only a worker really woken counts, and the exiting
//                    worker drops its running count through io_wqe_dec_running();
//                    8b3e78b5955a: the manager is already asleep-to-be while it scans, so
//                    a wake_up_process() during its scan is not lost either)
//           83d6c39310b6 alone: the same lost wake-up, by the manager's own race
//           whatif-no-rcu  clean
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r4_idle_worker_exits : kit::with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 5;
    static constexpr const char *task_names[] = {"submitter"};
    kit::work_item *x = nullptr, *y = nullptr, *z = nullptr;
    model_shared<struct io_wq *> wq;
    static inline r4_idle_worker_exits *current_run = nullptr;

    static void submitter(r4_idle_worker_exits *l)
    {
        MODEL_FRAME();
        struct io_wq_data data = {l->user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(1, &data);
        if (IS_ERR(wq))
            return;
        WRITE_ONCE(l->wq, wq);
        kit::explore_from_here();
        io_wq_enqueue(wq, &l->x->work);
        wait_for_completion(&l->x->started);
        io_wq_enqueue(wq, &l->y->work);
        wait_for_completion(&l->y->done);
        io_wq_enqueue(wq, &l->z->work);
        wait_for_completion(&l->z->done);
        complete(&l->x->release);
        io_wq_destroy(wq);
    }
    void setup()
    {
        current_run = this;
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

// Called with every task parked and a timer pending.
const char *r4_lost_wakeup();

inline bool r4_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::lost_wakeup;
}

inline scenario_info r4_info()
{
    scenario_info s = kit::info_for<r4_idle_worker_exits>();
    s.id = 4;
    s.name = "r4-idle-worker-exits-with-work-queued";
    s.question = "can queued work be left with nobody woken to run it?";
    s.tasks = "submitter (create; queue X, Y, Z; wait for Z; release X; destroy); "
              "io_wq_manager; the fixed worker; the unbound workers";
    s.expect_buggy = "INFO: lost wake-up: work is queued and the manager was not woken";
    s.expect_patched = "clean";
    s.expect_whatif = "clean";
    s.expect_parent = "INFO: lost wake-up: work is queued and the manager was not woken";
    s.focus = &r4_focus;
    s.focus_text = "a lost wake-up";
    s.timeouts_for = &kit::unbound_workers_time_out_once;
    s.lost_wakeup = &r4_lost_wakeup;
    s.bound = 2;
    s.prologue = true;
    return s;
}

}  // namespace iowq::scenario
