// R6: IORING_SETUP_ATTACH_WQ shares ring A's io-wq with ring B; A's teardown cancels it all.
//
// Question: once ring A is torn down, does work ring B queues afterwards still run, or is it
//           force-cancelled by the IO_WQ_BIT_CANCEL that A's io_wq_cancel_all() left set?
// Tasks:    ring-a: io_uring_setup(); hand the ring to ring-b (as a dup'd descriptor would);
//           once B has attached, close A (A's teardown; the io-wq lives on through B).
//           ring-b: io_uring_setup(IORING_SETUP_ATTACH_WQ, A); after A's close, a readv of a
//           pipe (punted to io-wq); wait for its completion; check that it was not cancelled;
//           close B. The kernel's: io_wq_manager, the fixed worker, the unbound worker(s).
// Explores: from the return of ring A's io_uring_setup() (ring B's attach is explored) on;
//           before that the tasks run one at a time (prologue).
// Focus:    the check of ring B's completion.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r6_attached_ring : kit::two_rings<4> {
    struct completion b_attached, a_closed;

    static void ring_a(r6_attached_ring *l)
    {
        MODEL_FRAME();
        struct file *a = l->set_up_a();
        if (!a)
            return;
        wait_for_completion(&l->b_attached);
        model_close(a);
        complete(&l->a_closed);
    }
    static void ring_b(r6_attached_ring *l)
    {
        MODEL_FRAME();
        struct file *b = l->attach_b();
        complete(&l->b_attached);
        if (!b || IS_ERR(b))
            return;
        wait_for_completion(&l->a_closed);
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqe = {IORING_OP_READV, 0, pipe, 1};
        io_uring_enter(b, &sqe, 1);
        wait_for_completion(&l->cq_b.ev);
        kit::check(l->cq_b.cancelled == 0, "ring B's read was cancelled by ring A's teardown");
        model_close(pipe);
        model_close(b);
    }
    void setup()
    {
        setup_rings();
        init_completion(&b_attached);
        init_completion(&a_closed);
    }
    void task(int i) { i == 0 ? ring_a(this) : ring_b(this); }
    void teardown() { drop_user(); }
};

inline bool r6_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::check;
}

}  // namespace iowq::scenario
