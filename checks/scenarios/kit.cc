#include "checks/scenarios/kit.h"

namespace iowq::kit {

void check(bool ok, const char *what)
{
    if (ok)
        return;
    using namespace model::rt;
    finding f = make_finding(finding_kind::check, what);
    f.fatal = true;
    raise(f);
}

namespace {
void work_fn(struct io_wq_work **workptr)
{
    MODEL_FRAME_NAMED("io_wq_submit_work");
    work_item *w = container_of(*workptr, work_item, work);
    complete(&w->started);
    if ((*workptr)->flags & IO_WQ_WORK_CANCEL) {
        WRITE_ONCE(w->cancelled, 1);
    } else if (w->blocks) {
        // Blocks until the scenario releases it.
        wait_for_completion(&w->release);
    } else if (w->waits_for_io) {
        // Blocks like a read with no data yet: the timer stands for the data's arrival.
        set_current_state(TASK_INTERRUPTIBLE);
        schedule_timeout(HZ);
        __set_current_state(TASK_RUNNING);
    }
    complete(&w->done);
}
}  // namespace

work_item *new_work(bool unbound, bool blocks, bool waits_for_io)
{
    MODEL_FRAME_NAMED("io_submit_sqe");
    work_item *w = kzalloc(sizeof(*w), GFP_KERNEL);
    INIT_IO_WORK(&w->work, work_fn);
    if (unbound)
        w->work.flags = IO_WQ_WORK_UNBOUND;
    init_completion(&w->started);
    init_completion(&w->release);
    init_completion(&w->done);
    w->blocks = blocks;
    w->waits_for_io = waits_for_io;
    return w;
}

void free_work(work_item *w)
{
    MODEL_FRAME_NAMED("io_free_req");
    kfree(w);
}

void init_cq(struct io_uring_cq *cq)
{
    cq->posted = 0;
    cq->cancelled = 0;
    cq->interrupted = 0;
    init_completion(&cq->ev);
}

}  // namespace iowq::kit
