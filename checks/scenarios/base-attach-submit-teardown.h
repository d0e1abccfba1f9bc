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
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct base_attach_submit_teardown : kit::two_rings<6> {
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
        struct file *a = l->set_up_a();
        if (!a)
            return;
        submit_two(a);
        model_close(a);
    }
    static void ring_b(base_attach_submit_teardown *l)
    {
        MODEL_FRAME();
        struct file *b = l->attach_b();
        if (!b || IS_ERR(b))
            return;
        submit_two(b);
        model_close(b);
    }
    void setup() { setup_rings(); }
    void task(int i) { i == 0 ? ring_a(this) : ring_b(this); }
    void teardown() { drop_user(); }
};

inline bool base_focus(const model::rt::finding &f)
{
    return !known_issue(f);
}

}  // namespace iowq::scenario
