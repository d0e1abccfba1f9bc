// R12: a lost update of worker->flags leaves a freed worker on the free list, and the next
// submission runs refcount_inc_not_zero() on it through the seed oops's own call chain.
//
// create_io_worker() publishes the new worker on the free list under wqe->lock and only then
// sets its FREE flag, a plain read-modify-write. A submission whose enqueue came just before
// the manager took the lock finds the worker there (io_wqe_activate_free_worker(), RCU only)
// and wakes it early; the worker's io_worker_start() sets UP|RUNNING with a plain
// read-modify-write of its own and no lock. The two race (KCSAN would report it; R11's race),
// and in C either update can be lost. With FREE lost, the worker never leaves the free list
// when it takes work, goes back on it a second time when it idles (its node then points at
// itself), and io_worker_exit()'s unlink leaves the list's head on it. After kfree_rcu() and
// the grace period, the next submission's wake-up reads the freed worker.
//
// Question: can a submission's io_wqe_activate_free_worker() take a reference
//           (refcount_inc_not_zero) on a worker that has exited and been freed?
// Tasks:    syz, as a syzkaller program would: io_uring_setup(4); readv of an empty pipe (the
//           fixed worker takes it, moves to the unbound count and waits for data); then two
//           IOSQE_ASYNC readvs of a pipe with data (the first wakes the manager, which
//           creates workers; the second's wake-up may find one it is still creating); wait
//           for their two completions; sleep while the workers idle; a readv of an empty pipe
//           (io_uring_enter -> ... -> __io_queue_sqe -> io_queue_async_work -> io_wqe_enqueue);
//           close the ring. The kernel's: io_wq_manager and the workers.
// Explores: from the end of the first sleep on (the fixed worker has taken the first read);
//           before that the tasks run one at a time (prologue).
// Timers:   syz's two sleeps end (twice); the unbound workers' idle timers fire (once each);
//           no data ever arrives on the empty pipes (the reads end when close cancels them).
// Focus:    a KASAN use-after-free on a struct io_worker reached through io_worker_get().
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Search:   random, keeping the running task (--stay 80), 200000 executions.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

// syz's program; `last_waits`: the last readv is one whose data comes (a worker's timer stands
// for it) and syz waits for its completion (r12b), instead of one of the empty pipe that close
// cancels (r12).
template <bool last_waits>
struct r12_program : kit::program<1, 6> {
    static constexpr const char *task_names[] = {"syz"};
    struct io_uring_cq cq;
    // The ring's io_wq while syz may wait on it (r12b's oracle reads it).
    model_shared<struct io_wq *> wq;
    static inline r12_program *current_run = nullptr;

    static void readv(struct file *ring, struct file *pipe, unsigned char flags,
                      unsigned long long user_data)
    {
        MODEL_FRAME_NAMED("syz_io_uring_submit");
        struct io_uring_sqe sqe = {IORING_OP_READV, flags, pipe, user_data};
        io_uring_enter(ring, &sqe, 1);
    }
    static void syz(r12_program *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (IS_ERR(ring))
            return;
        struct file *empty = model_open(false, true);
        struct file *full = model_open(false, false);
        struct file *slow = nullptr;
        if (last_waits) {
            struct io_ring_ctx *ctx =
                static_cast<struct io_ring_ctx *>(static_cast<void *>(ring->private_data));
            WRITE_ONCE(l->wq, static_cast<struct io_wq *>(ctx->io_wq));
            slow = model_open(false, true);
        }
        readv(ring, empty, 0, 1);
        kit::msleep_a_little();
        readv(ring, full, IOSQE_ASYNC, 2);
        kit::explore_from_here();
        readv(ring, full, IOSQE_ASYNC, 3);
        wait_for_completion(&l->cq.ev);
        wait_for_completion(&l->cq.ev);
        kit::msleep_a_little();
        if (last_waits) {
            readv(ring, slow, 0, 4);
            wait_for_completion(&l->cq.ev);
        } else {
            readv(ring, empty, 0, 4);
        }
        if (last_waits)
            WRITE_ONCE(l->wq, nullptr);
        model_close(ring);
        model_close(full);
        model_close(empty);
        if (last_waits)
            model_close(slow);
    }
    void setup()
    {
        current_run = this;
        give_user(nr_tasks, 0, 4096);
        kit::init_cq(&cq);
    }
    void task(int) { syz(this); }
    void teardown() { drop_user(); }
};

using r12_enqueue_gets_freed_worker = r12_program<false>;
using r12b_running_count_leaks = r12_program<true>;

inline bool r12_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_worker") && finding_in(f, "io_worker_get");
}

// syz's two sleeps end; each unbound worker may idle out once; nothing else times out.
inline int r12_timeouts(const char *comm)
{
    if (std::strcmp(comm, "syz") == 0)
        return 2;
    return kit::unbound_workers_time_out_once(comm);
}

// R12's other outcome, UP|RUNNING lost (r12b): the worker's io_worker_start() raised the
// account's nr_running, but its flags say it is neither up nor running, so no sleep and no
// exit lowers the count again, and io_wqe_enqueue() (which wakes a worker only when nr_running
// is 0) stops waking anyone for that account.
//
// Question: can work be queued while every worker sleeps and nr_running says one runs, so that
//           the enqueue wakes nobody?
// Tasks:    syz, as in r12, except that the last readv's data comes (the worker's timer stands
//           for it) and syz waits for its completion before it closes the ring.
// Explores, Timers: as r12.
// Oracle:   when every task is blocked and only a timer could wake one, work queued on the wqe
//           while its account's nr_running is not 0 (every task sleeps, so nobody runs) has
//           lost its wake-up to a leaked count.
// Focus:    that lost wake-up. Another (R4's, on versions without 83d6c39310b6 and
//           8b3e78b5955a, which every scenario's lost wake-up oracle finds) is reported outside
//           the focus.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Search:   random, keeping the running task (--stay 80), 200000 executions.

// Called with every task parked and a timer pending.
const char *r12b_lost_wakeup();
// What it reports.
inline constexpr const char *r12b_leak = "work is queued and nr_running counts a sleeping worker";

inline bool r12b_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::lost_wakeup && std::string_view(f.what) == r12b_leak;
}

}  // namespace iowq::scenario
