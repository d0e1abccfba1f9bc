#include "model/linux/completion.h"
#include "model/linux/rcupdate.h"
#include "model/linux/sched.h"
#include "model/linux/slab.h"

using namespace model::rt;

// Entering and leaving a read-side section are scheduling points: where they fall relative to
// another task's call_rcu() decides which callbacks wait for this reader.
void rcu_read_lock(void)
{
    MODEL_FRAME();
    sched_point();
    rcu_reader_enter();
}

void rcu_read_unlock(void)
{
    MODEL_FRAME();
    sched_point();
    if (!rcu_reader_active()) {
        finding f =
            make_finding(finding_kind::lockdep, "rcu_read_unlock() without rcu_read_lock()");
        f.fatal = true;
        raise(f);
    }
    rcu_reader_exit();
}

bool rcu_read_lock_held(void)
{
    return rcu_reader_active();
}

void model_rcu_dereference_check(bool ok)
{
    if (ok)
        return;
    finding f = make_finding(finding_kind::lockdep, "suspicious rcu_dereference_check() usage");
    raise(f);
}

void model_must_hold(const model_rcu_lock_map *)
{
    if (rcu_read_lock_held())
        return;
    finding f = make_finding(finding_kind::lockdep, "RCU read lock not held");
    f.fatal = true;
    raise(f);
}

static void call_rcu_thunk(void *arg)
{
    auto *head = static_cast<struct rcu_head *>(arg);
    rcu_callback_t func = head->func;
    func(head);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
    MODEL_FRAME();
    head->func = func;
    sched_point();
    rcu_queue(&call_rcu_thunk, head);
}

static void kfree_rcu_thunk(void *arg)
{
    MODEL_FRAME_NAMED("kfree");
    arena_free(arg, true, "");
}

void model_kfree_rcu(const void *ptr, struct rcu_head *head, const char *expr)
{
    MODEL_FRAME_NAMED("kfree_rcu");
    // Writing the rcu_head is the first touch of a freed object by a double kfree_rcu.
    head->func = nullptr;
    sched_point();
    log_event(event_kind::free, "kfree_rcu", expr, ptr, 0, 0);
    model_slab_mark_rcu_pending(ptr);
    rcu_queue(&kfree_rcu_thunk, const_cast<void *>(ptr));
}

namespace {
struct rcu_synchronize {
    struct rcu_head head;
    struct completion completion;
};
}  // namespace

static void wakeme_after_rcu(struct rcu_head *head)
{
    auto *rcu = container_of(head, struct rcu_synchronize, head);
    complete(&rcu->completion);
}

void synchronize_rcu(void)
{
    MODEL_FRAME();
    if (rcu_read_lock_held()) {
        finding f = make_finding(finding_kind::lockdep,
                                 "synchronize_rcu() inside an RCU read-side critical section");
        f.fatal = true;
        raise(f);
    }
    // wait_rcu_gp(): an on-stack rcu_head and completion.
    struct rcu_synchronize rs;
    init_completion(&rs.completion);
    call_rcu(&rs.head, wakeme_after_rcu);
    wait_for_completion(&rs.completion);
}
