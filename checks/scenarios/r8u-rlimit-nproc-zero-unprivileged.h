// R8 without privileges: what the notes call the unprivileged path of R8.
//
// Question: without CAP_SYS_RESOURCE or CAP_SYS_ADMIN, and with RLIMIT_NPROC = 0, can unbound
//           work reach the WARN_ON_ONCE(!acct->max_workers) in io_wqe_wake_worker() instead of
//           being cancelled early by io_wq_can_queue()?
// Tasks:    syz-executor: RLIMIT_NPROC = 0, no capabilities; io_uring_setup(); an IOSQE_ASYNC
//           readv of a regular file whose data is not cached (bound work: the fixed worker
//           takes it and waits for the disk, off the free list meanwhile); a short sleep; a readv
//           of an empty pipe (unbound work, and the unbound account may have no worker); wait
//           for both completions; check them; close the ring. The kernel's: io_wq_manager, the
//           fixed worker.
// Explores: from the return of io_uring_setup() on; before that the task runs alone (prologue).
// Timers:   syz-executor's sleep, once; the fixed worker's, twice (the data of each read, or its
//           idle timeout); the manager's poll never (r8u_timeouts below).
// Focus:    the WARNING in io_wqe_wake_worker, and the check of the two completions.
// Check:    what userspace sees: both requests complete, none is interrupted, at most one is
//           cancelled. The read of the pipe completes with -ECANCELED, inside io_uring_enter(),
//           when io_wq_can_queue() refuses it (the fixed worker busy with the file read); when
//           the fixed worker is on the free list at the enqueue (it has not taken the file read
//           yet, or has finished it), io_wq_can_queue() lets the read through, and the worker
//           runs it and it gets its data.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"
#include "checks/scenarios/r8-rlimit-nproc-zero-wake-worker.h"

namespace iowq::scenario {

struct r8u_rlimit_nproc_zero_unprivileged : kit::program<1, 3> {
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;

    static void syz_io_uring_read_file_then_pipe(r8u_rlimit_nproc_zero_unprivileged *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (IS_ERR(ring))
            return;
        kit::explore_from_here();
        struct file *slow = model_open(true, true);
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe bound = {IORING_OP_READV, IOSQE_ASYNC, slow, 1};
        io_uring_enter(ring, &bound, 1);
        kit::msleep_a_little();
        struct io_uring_sqe unbound = {IORING_OP_READV, 0, pipe, 2};
        io_uring_enter(ring, &unbound, 1);
        wait_for_completion(&l->cq.ev);
        wait_for_completion(&l->cq.ev);
        kit::check(l->cq.posted == 2 && l->cq.interrupted == 0 && l->cq.cancelled <= 1,
                   "a read completed with neither its data nor io_wq_can_queue's -ECANCELED");
        model_close(pipe);
        model_close(slow);
        model_close(ring);
    }
    void setup()
    {
        give_user(nr_tasks, 0, 0);
        kit::init_cq(&cq);
    }
    void task(int) { syz_io_uring_read_file_then_pipe(this); }
    void teardown() { drop_user(); }
};

// The timers that may fire: syz-executor's sleep, once; the fixed worker's, twice (the file's
// data, and the pipe's when the worker runs that read too, or its idle timeout instead). The
// manager's poll never fires: the manager creates no worker the question needs (the unbound
// account may have none, and the bound work has the fixed worker).
inline int r8u_timeouts(const char *comm)
{
    if (std::strcmp(comm, "syz-executor") == 0)
        return 1;
    return std::strncmp(comm, "io_wqe_worker-0", 15) == 0 ? 2 : 0;
}

inline bool r8u_focus(const model::rt::finding &f)
{
    return r8_focus(f) || f.kind == model::rt::finding_kind::check;
}

}  // namespace iowq::scenario
