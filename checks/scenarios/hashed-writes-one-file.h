// Hashed work (issue 17, item 3): no race of the notes, a question.
//
// Question: do two buffered writes to one regular file, which io_uring queues as hashed work in
//           the file's bucket, both run, one after the other, or can the second wait for good
//           behind a bucket (its bit in wqe->hash_map) that nobody clears?
// Tasks:    syz-executor: io_uring_setup(); two IOSQE_ASYNC writevs of one regular file whose
//           writes wait for the disk (io_prep_async_work() hashes a regular file's writes on
//           its inode: both go to one bucket); wait for both completions; check them; close the
//           ring. The kernel's: io_wq_manager, the fixed worker, the bound workers the manager
//           creates when the fixed worker blocks in the first write (one finds only the second
//           write, held back by its bucket, and marks the wqe STALLED).
// Explores: from the return of io_uring_setup() on; before that the task runs alone (prologue).
// Timers:   each bound worker's, twice (the disk, for each write it runs, or its idle timeout);
//           the manager's poll never.
// Focus:    the check of the two completions, and the lost wake-up oracle every scenario has
//           (docs/checker.md), which sees hashed work queued behind a bucket no worker holds.
// Check:    both writes complete with their data written, neither cancelled nor interrupted.
// Verdicts: the catalogue in checks/scenarios/list.cc, with the reasons.
// Search:   dpor at bound 1, complete in 4 s on patched and 15 s on buggy (which, without
//           83d6c39310b6 and 8b3e78b5955a, has more schedules); bound 2 is verify's.
#pragma once

#include "checks/scenarios/kit.h"

namespace iowq::scenario {

struct hashed_writes_one_file : kit::program<1, 4> {
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;

    static void syz_io_uring_two_writes(hashed_writes_one_file *l)
    {
        MODEL_FRAME();
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (IS_ERR(ring))
            return;
        kit::explore_from_here();
        struct file *file = model_open(true, true);
        struct io_uring_sqe writes[2] = {{IORING_OP_WRITEV, IOSQE_ASYNC, file, 1},
                                         {IORING_OP_WRITEV, IOSQE_ASYNC, file, 2}};
        io_uring_enter(ring, writes, 2);
        wait_for_completion(&l->cq.ev);
        wait_for_completion(&l->cq.ev);
        kit::check(l->cq.posted == 2 && l->cq.interrupted == 0 && l->cq.cancelled == 0,
                   "a write to the file was cancelled or interrupted");
        model_close(file);
        model_close(ring);
    }
    void setup()
    {
        give_user(nr_tasks, 0, 4096);
        kit::init_cq(&cq);
    }
    void task(int) { syz_io_uring_two_writes(this); }
    void teardown() { drop_user(); }
};

// The bound workers' timers fire twice each (a write's disk I/O, or the idle timeout); nobody
// else's.
inline int hashed_timeouts(const char *comm)
{
    return std::strncmp(comm, "io_wqe_worker-0", 15) == 0 ? 2 : 0;
}

inline bool hashed_focus(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::check ||
           f.kind == model::rt::finding_kind::lost_wakeup;
}

}  // namespace iowq::scenario
