// R10: the manager's error path during io_wq_create() (../shared/notes, R10).
//
// Question: when creating a node's fixed worker fails, does io_wq_create() return at once, or
//           wait for another node's fixed worker to time out?
// Tasks:    syz-executor: io_uring_setup() on a machine with two NUMA nodes, then close the
//           ring if it was set up. The kernel's: io_wq_manager, a fixed worker per node.
// Faults:   one allocation or kthread creation in create_io_worker() may fail (as fail-nth
//           makes it fail); everything else succeeds.
// Explores: everything (no prologue): the failure and the workers' start race with the
//           manager.
// Focus:    io_wq_create() left waiting for a worker's idle timeout that nobody cut short (the
//           manager's error path woke no worker).
// Timers:   the workers' idle timers fire once each (the stall is found before they fire).
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r10_manager_error : kit::program<1, 3> {
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;

    static void syz_io_uring_setup(r10_manager_error *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (IS_ERR(ring))
            return;
        model_close(ring);
    }
    void setup()
    {
        give_user(nr_tasks, 0, 16);
        kit::init_cq(&cq);
    }
    void task(int) { syz_io_uring_setup(this); }
    void teardown() { drop_user(); }
};

// The stall oracle: every task is parked, the user task waits in io_wq_create() or
// io_wq_destroy(), and only a timer can move on. Which message says whether a sleeping kthread
// went to sleep after a wake-up that found it running (the wake-up was lost to the window
// between its test of IO_WQ_BIT_EXIT and its set_current_state()), or nobody woke it at all.
const char *r10_stall();

inline constexpr const char *r10_nobody_woke =
    "io_wq_create waits for wq->done, and the worker that would complete it sleeps until its "
    "idle timeout: nobody woke it";

inline constexpr const char *r10_missed_create =
    "io_wq_create waits for wq->done, and a kernel thread missed its wake-up: woken while it "
    "ran, it went to sleep until its timer";
inline constexpr const char *r10_nobody_woke_destroy =
    "io_wq_destroy waits, and every kernel thread sleeps until its timer: nobody woke them";
inline constexpr const char *r10_missed_destroy =
    "io_wq_destroy waits, and a kernel thread missed its wake-up: woken while it ran, it went to "
    "sleep until its timer";

inline bool r10_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::lost_wakeup &&
           std::string_view(f.what) == r10_nobody_woke;
}

}  // namespace iowq::scenario
