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
// Result:   buggy    CHECK FAILED: ring B's read was cancelled by ring A's teardown
//           patched  clean (00c18640c243: A's teardown cancels only A's requests)
//           parent   clean (IORING_SETUP_ATTACH_WQ does not exist: B's setup fails)
//           whatif-no-rcu  clean
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r6_attached_ring : kit::with_user {
    static constexpr int nr_tasks = 2;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"ring-a", "ring-b"};
    struct io_uring_cq cq_a, cq_b;
    model_shared<struct file *> a_for_b;
    struct completion a_ready, b_attached, a_closed;

    static void ring_a(r6_attached_ring *l)
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
        wait_for_completion(&l->b_attached);
        model_close(a);
        complete(&l->a_closed);
    }
    static void ring_b(r6_attached_ring *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->a_ready);
        struct file *a = READ_ONCE(l->a_for_b);
        if (!a) {
            complete(&l->b_attached);
            return;
        }
        struct io_uring_params p = {};
        p.flags = IORING_SETUP_ATTACH_WQ;
        p.wq_fd = a;
        p.cq = &l->cq_b;
        struct file *b = io_uring_setup(4, &p);
        model_close(a);
        complete(&l->b_attached);
        if (IS_ERR(b))
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
        give_user(nr_tasks, 0, 4096);
        kit::init_cq(&cq_a);
        kit::init_cq(&cq_b);
        init_completion(&a_ready);
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

inline scenario_info r6_info()
{
    scenario_info s = kit::info_for<r6_attached_ring>();
    s.id = 6;
    s.name = "r6-attached-ring-work-cancelled";
    s.question = "does ring A's teardown cancel the work ring B queues on the shared io-wq?";
    s.tasks = "ring-a (setup, hand over, close); ring-b (attach, readv of a pipe after A's "
              "close, check, close); io_wq_manager; the workers";
    s.expect_buggy = "CHECK FAILED: ring B's read was cancelled by ring A's teardown";
    s.expect_patched = "clean";
    s.expect_whatif = "clean";
    s.expect_parent = "clean";
    s.focus = &r6_focus;
    s.focus_text = "the check of ring B's completion";
    s.bound = 1;
    s.prologue = true;
    return s;
}

}  // namespace iowq::scenario
