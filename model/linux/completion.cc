#include "model/linux/completion.h"
#include "model/linux/sched.h"

using namespace model::rt;

// The wait queue as one cell of the state's memory (rt.h): 0 while it is empty.
static std::uint64_t queue(const void *p)
{
    const struct completion *x = static_cast<const struct completion *>(p);
    if (!x->nr_waiters)
        return 0;
    std::uint64_t h = static_cast<std::uint64_t>(x->nr_waiters);
    for (int i = 0; i < x->nr_waiters; i++)
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(x->waiters[i]));
    return h;
}

void model_init_completion(struct completion *x, const char *name)
{
    MODEL_FRAME_NAMED("init_completion");
    x->name = name;
    x->done = 0;
    model_spin_lock_init(&x->wait_lock, "&x->wait.lock");
    x->nr_waiters = 0;
    if (state_on()) {
        state_cell_remove_slow(&x->waiters);  // initialised again: one cell a completion
        state_cell_add_slow(&x->waiters, x, &queue);
    }
}

void reinit_completion(struct completion *x)
{
    MODEL_FRAME();
    x->done = 0;
}

// __wake_up_locked(): wake up to nr waiters, skipping those already awake.
static void wake_waiters(struct completion *x, int nr)
{
    for (int i = 0; i < x->nr_waiters && nr > 0; i++)
        if (wake_up_state(x->waiters[i], TASK_NORMAL))
            nr--;
}

void complete(struct completion *x)
{
    MODEL_FRAME();
    unsigned long flags;
    spin_lock_irqsave(&x->wait_lock, flags);
    unsigned int done = x->done;
    if (done != UINT_MAX)
        x->done = done + 1;
    log_event(event_kind::value, "complete", x->name, x, done, done == UINT_MAX ? done : done + 1);
    wake_waiters(x, 1);
    spin_unlock_irqrestore(&x->wait_lock, flags);
}

void complete_all(struct completion *x)
{
    MODEL_FRAME();
    unsigned long flags;
    spin_lock_irqsave(&x->wait_lock, flags);
    x->done = UINT_MAX;
    log_event(event_kind::value, "complete_all", x->name, x, 0, UINT_MAX);
    wake_waiters(x, INT_MAX);
    spin_unlock_irqrestore(&x->wait_lock, flags);
}

void wait_for_completion(struct completion *x)
{
    MODEL_FRAME();
    task_struct *t = current;
    log_event(event_kind::other, "wait_for_completion", x->name, x, 0, 0);
    spin_lock_irq(&x->wait_lock);
    if (!x->done) {
        x->waiters[x->nr_waiters++] = t;
        do {
            __set_current_state(TASK_UNINTERRUPTIBLE);
            spin_unlock_irq(&x->wait_lock);
            schedule();
            spin_lock_irq(&x->wait_lock);
        } while (!x->done);
        for (int i = 0; i < x->nr_waiters; i++) {
            if (x->waiters[i] == t) {
                for (int j = i + 1; j < x->nr_waiters; j++)
                    x->waiters[j - 1] = x->waiters[j];
                x->nr_waiters--;
                break;
            }
        }
    }
    unsigned int done = x->done;
    if (done != UINT_MAX)
        x->done = done - 1;
    spin_unlock_irq(&x->wait_lock);
}

bool completion_done(struct completion *x)
{
    MODEL_FRAME();
    unsigned long flags;
    spin_lock_irqsave(&x->wait_lock, flags);
    bool ret = x->done != 0;
    spin_unlock_irqrestore(&x->wait_lock, flags);
    return ret;
}
