// The baseline: what every io_uring user does, with nothing unusual in it.
//
// Question: does the checker stay quiet on a plain attach, submit and teardown?
// Tasks:    ring-a: io_uring_setup(); hand the ring to ring-b; a readv of a pipe and a
//           forced-async nop; close. ring-b: io_uring_setup(IORING_SETUP_ATTACH_WQ, A); the
//           same two requests; close. The kernel's: io_wq_manager and the workers.
// Explores: from the return of ring A's io_uring_setup() (ring B's attach is explored) on;
//           before that the tasks run one at a time (prologue).
// Timers:   none fires: no data arrives on the pipes (the reads end when a teardown cancels
//           them), no worker idles out.
// Focus:    every finding but the known issue R11 (docs/findings.md), which every model version
//           has and which a plain submit reaches at once: the enqueue starts the worker the
//           manager is still publishing (a data race on worker->flags in io_worker_start()).
//           It is reported as known, with its token, and does not fail the run.
// Result:   patched  clean (a test that the checker does not cry wolf)
//           buggy, parent  WARNING: refcount bug in io_worker_exit: R1 through io_uring. The
//                    manager, woken when the fixed worker moved to the unbound count with work
//                    still queued, is inside create_io_worker() when the last teardown starts; the
//                    fixed worker exits first and completes wq->done, and the late worker's
//                    exit takes wq->refs below zero (c4068bf898dd fixes it). Found since the
//                    random search keeps the running task (--stay, docs/performance.md).
//           whatif-no-rcu  KASAN: use-after-free Read in io_worker_release (without RCU, a
//                    worker's release reads worker->task of a worker that kfree() freed; the
//                    search's first finding since plain read-modify-writes were split,
//                    docs/findings.md)
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct base_attach_submit_teardown : kit::with_user {
    static constexpr int nr_tasks = 2;
    static constexpr int nr_kthreads = 6;
    static constexpr const char *task_names[] = {"ring-a", "ring-b"};
    struct io_uring_cq cq_a, cq_b;
    model_shared<struct file *> a_for_b;
    struct completion a_ready;

    static void submit_two(struct file *ring)
    {
        MODEL_FRAME_NAMED("syz_io_uring_submit");
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqes[2] = {{IORING_OP_READV, 0, pipe, 1},
                                       {IORING_OP_NOP, IOSQE_ASYNC, nullptr, 2}};
        io_uring_enter(ring, sqes, 2);
        model_close(pipe);
    }
    static void ring_a(base_attach_submit_teardown *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq_a;
        struct file *a = io_uring_setup(4, &p);
        kit::explore_from_here();
        if (!IS_ERR(a))
            WRITE_ONCE(l->a_for_b, get_file(a));
        complete(&l->a_ready);
        if (IS_ERR(a))
            return;
        submit_two(a);
        model_close(a);
    }
    static void ring_b(base_attach_submit_teardown *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->a_ready);
        struct file *a = READ_ONCE(l->a_for_b);
        if (!a)
            return;
        struct io_uring_params p = {};
        p.flags = IORING_SETUP_ATTACH_WQ;
        p.wq_fd = a;
        p.cq = &l->cq_b;
        struct file *b = io_uring_setup(4, &p);
        model_close(a);
        if (IS_ERR(b))
            return;
        submit_two(b);
        model_close(b);
    }
    void setup()
    {
        give_user(nr_tasks, 0, 4096);
        kit::init_cq(&cq_a);
        kit::init_cq(&cq_b);
        init_completion(&a_ready);
    }
    void task(int i) { i == 0 ? ring_a(this) : ring_b(this); }
    void teardown() { drop_user(); }
};

inline bool base_focus(const model::rt::finding &f)
{
    return !known_issue(f);
}

inline scenario_info base_info()
{
    scenario_info s = kit::info_for<base_attach_submit_teardown>();
    s.id = 100;
    s.name = "base-attach-submit-teardown";
    s.question = "does the checker stay quiet on a plain attach, submit and teardown?";
    s.tasks = "ring-a (setup, readv + async nop, close); ring-b (attach, the same, close); "
              "io_wq_manager; the workers";
    s.expect_buggy = "WARNING: refcount bug in io_worker_exit";
    s.expect_patched = "clean";
    s.expect_whatif = "KASAN: use-after-free Read in io_worker_release";
    s.expect_parent = "WARNING: refcount bug in io_worker_exit";
    s.focus = &base_focus;
    s.focus_text = "every finding but the known issues R11 and R12";
    s.timeouts_per_task = 0;
    s.strategy = search::random;
    s.executions = 200000;
    s.bound = 1;
    s.prologue = true;
    return s;
}

}  // namespace iowq::scenario
