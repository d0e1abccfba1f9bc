// R7: IORING_SETUP_ATTACH_WQ shares ring A's io-wq, and with it A's user_struct, with ring B.
//
// Question: when ring B belongs to another user, can B's work make an io-wq worker charge
//           wq->user->processes after ring A's teardown and A's exit freed A's user_struct?
// Tasks:    ring-a (uid 1000): io_uring_setup(), whose io_wq_create() keeps A's user_struct in
//           wq->user without a reference of its own; hand the ring to ring-b (as a descriptor
//           passed over a socket would); once B has attached, close A (the last reference:
//           io_ring_ctx_free() drops ctx->user), then exit (its cred's reference to the user
//           goes too). ring-b (uid 1001): io_uring_setup(IORING_SETUP_ATTACH_WQ, A); once A has
//           exited, a readv of an empty pipe (unbound work); wait for its completion; close B.
//           The kernel's: io_wq_manager, the fixed worker, the workers it creates.
// Explores: from the return of ring A's io_uring_setup() on; before that the tasks run one at a
//           time (prologue).
// Focus:    a KASAN report on a struct user_struct.
// Not modelled: ring A submits nothing, so no worker ever runs with A's credentials (a worker
//           that ran A's work holds A's cred, and with it the user_struct, until it next goes
//           idle); A's exit drops its reference at once where the kernel's put_cred() waits for
//           a grace period, which B's later submission waits out in real time. Both only move
//           the free earlier or later, never past B's submission.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r7_attached_ring_outlives_user : kit::two_rings<4> {
    struct user_struct *user_b = nullptr;
    struct completion b_attached, a_exited;

    // The task exits: its cred's reference to its user_struct goes.
    static void exit_task(r7_attached_ring_outlives_user *l)
    {
        MODEL_FRAME_NAMED("do_exit");
        struct user_struct *user = l->user;
        l->user = nullptr;
        free_uid(user);
        complete(&l->a_exited);
    }
    static void ring_a(r7_attached_ring_outlives_user *l)
    {
        MODEL_FRAME();
        struct file *a = l->set_up_a();
        if (!a) {
            complete(&l->a_exited);
            return;
        }
        wait_for_completion(&l->b_attached);
        model_close(a);
        exit_task(l);
    }
    static void ring_b(r7_attached_ring_outlives_user *l)
    {
        MODEL_FRAME();
        struct file *b = l->attach_b();
        complete(&l->b_attached);
        if (!b || IS_ERR(b))
            return;
        wait_for_completion(&l->a_exited);
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqe = {IORING_OP_READV, 0, pipe, 1};
        io_uring_enter(b, &sqe, 1);
        wait_for_completion(&l->cq_b.ev);
        model_close(pipe);
        model_close(b);
    }
    void setup()
    {
        setup_rings();
        // Ring B's task runs as another user, with a user_struct of its own.
        user_b = model_alloc_uid(1001);
        kit::task_of(1)->user = user_b;
        init_completion(&b_attached);
        init_completion(&a_exited);
    }
    void task(int i) { i == 0 ? ring_a(this) : ring_b(this); }
    void teardown()
    {
        drop_user();
        free_uid(user_b);
    }
};

inline bool r7_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct user_struct");
}

}  // namespace iowq::scenario
