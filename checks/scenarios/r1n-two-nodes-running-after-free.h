// R1 on a machine with two NUMA nodes: syzbot's first report of R1, "KASAN: use-after-free
// Write in io_wq_worker_running", through io_uring's own setup, submission and teardown.
//
// Before c4068bf898dd, wq->refs starts at the number of nodes and drops by one each time a
// node's worker count reaches 0. The manager never looks at IO_WQ_BIT_EXIT: woken by a
// submission that found no free worker on node 0, it can still be inside create_io_worker() when
// the ring's teardown sets EXIT and waits for it in kthread_stop(). Node 0's fixed worker, which
// ran the ring's requests, exits meanwhile (node 0's first count to 0); the workers the manager
// then publishes on node 0 see EXIT and exit too (node 0's second count to 0). That completes
// wq->done although node 1's fixed worker, idle all along, has not exited: __io_wq_destroy()
// has just woken it, and frees the io_wqe and the io_wq before it runs. Its return from
// schedule_timeout() calls the scheduler's hook io_wq_worker_running(), whose
// io_wqe_inc_running() increments nr_running in the freed node 1 io_wqe.
//
// Question: on two NUMA nodes, can node 0's worker count reaching 0 twice complete wq->done,
//           so that __io_wq_destroy() frees node 1's io_wqe while node 1's idle worker sleeps
//           in schedule_timeout(), and the worker's wake-up writes to it?
// Tasks:    syz-executor, as a syzkaller program would: io_uring_setup(4) on a machine with
//           two NUMA nodes (the manager creates a fixed worker on each); a short sleep, while
//           both go idle; a readv of an empty pipe (io_uring_enter -> ... -> io_queue_async_work
//           -> io_wqe_enqueue on node 0: the fixed worker takes it and waits for data); a short
//           sleep; a second readv of the pipe (no worker is free: it wakes the manager); close
//           the ring (the teardown cancels both reads and destroys the io-wq). The kernel's:
//           io_wq_manager, a fixed worker per node, the workers the manager creates on node 0.
// Explores: from the end of the second sleep on (node 0's fixed worker waits in the first read,
//           node 1's is idle in schedule_timeout()); before that the tasks run one at a time
//           (prologue).
// Timers:   syz-executor's two sleeps end; the manager's one-second poll may expire once (the
//           wake-up of kthread_stop() can land while it is still creating a worker, before it
//           sets its sleep state, and it then sees the stop only at that timeout); each bound
//           worker's timer may fire once (a read's data, or its idle timeout); the unbound
//           workers' never. Without the manager's timeout, __io_wq_destroy() never gets past
//           kthread_stop() in the schedules that matter, and the search finds nothing.
// Focus:    a KASAN use-after-free write on a struct io_wqe in io_wq_worker_running() called
//           from schedule_timeout().
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Search:   random, keeping the running task (--stay 80), 200000 executions: the shrunk schedule
//           still has 3 preemptions, and on buggy dpor at bound 1 or 2 neither finds it nor
//           completes in minutes (on patched bound 1 is complete in 15974 executions).
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r1n_two_nodes : kit::program<1, 6> {
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;

    static void readv(struct file *ring, struct file *pipe, unsigned long long user_data)
    {
        MODEL_FRAME_NAMED("syz_io_uring_submit");
        struct io_uring_sqe sqe = {IORING_OP_READV, 0, pipe, user_data};
        io_uring_enter(ring, &sqe, 1);
    }
    static void syz(r1n_two_nodes *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (IS_ERR(ring))
            return;
        struct file *pipe = model_open(false, true);
        kit::msleep_a_little();
        readv(ring, pipe, 1);
        kit::msleep_a_little();
        kit::explore_from_here();
        readv(ring, pipe, 2);
        model_close(ring);
        model_close(pipe);
    }
    void setup()
    {
        give_user(nr_tasks, 0, 4096);
        kit::init_cq(&cq);
    }
    void task(int) { syz(this); }
    void teardown() { drop_user(); }
};

// syz-executor's two sleeps end; the manager's poll may time out once; each bound worker
// ("io_wqe_worker-0/<node>": a node's fixed worker, or a bound worker the manager creates) may
// time out once (a read's data, or its idle timeout), on either node; the unbound workers never
// do.
inline int r1n_timeouts(const char *comm)
{
    if (std::strcmp(comm, "syz-executor") == 0)
        return 2;
    if (std::strcmp(comm, "io_wq_manager") == 0)
        return 1;
    return std::strncmp(comm, "io_wqe_worker-0", 15) == 0 ? 1 : 0;
}

inline bool r1n_focus(const model::rt::finding &f)
{
    return kasan_on(f, "struct io_wqe") && f.is_write && finding_in(f, "io_wq_worker_running") &&
           finding_in(f, "schedule_timeout");
}

}  // namespace iowq::scenario
