// R8: the syzbot report this project started from (../shared/seed).
//
// Question: can userspace reach the WARN_ON_ONCE(!acct->max_workers) in io_wqe_wake_worker()?
// Tasks:    syz-executor: RLIMIT_NPROC = 0 and CAP_SYS_ADMIN; io_uring_setup(); a readv of a
//           pipe (not possible without blocking, so io_uring punts it to io-wq as unbound work);
//           close the ring. The kernel's: io_wq_manager, the fixed worker.
// Explores: from the return of io_uring_setup() on; before that the tasks run one at a time
//           (prologue).
// Focus:    the WARNING in io_wqe_wake_worker.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct r8_rlimit_nproc_zero : kit::program<1, 3> {
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;

    static void syz_io_uring_read_pipe(r8_rlimit_nproc_zero *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (IS_ERR(ring))
            return;
        kit::explore_from_here();
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqe = {IORING_OP_READV, 0, pipe, 1};
        io_uring_enter(ring, &sqe, 1);
        model_close(pipe);
        model_close(ring);
    }
    void setup()
    {
        give_user(nr_tasks, 1ul << CAP_SYS_ADMIN, 0);
        kit::init_cq(&cq);
    }
    void task(int) { syz_io_uring_read_pipe(this); }
    void teardown() { drop_user(); }
};

inline bool r8_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::warn && finding_in(f, "io_wqe_wake_worker");
}

}  // namespace iowq::scenario
