// Stand-in for include/linux/completion.h and kernel/sched/completion.c.
//
// As in the kernel, a completion is a count (done) and a wait queue under a spinlock, and a
// waiter sleeps through schedule() in TASK_UNINTERRUPTIBLE, so the scheduler hooks of an io-wq
// worker run when it waits. The wait queue is kept by the runtime as a FIFO of tasks (the
// kernel's is a list of on-stack entries); complete() wakes the first waiter that was not
// already awake, as __wake_up_common() does for an exclusive wait.
#pragma once

#include <climits>

#include "model/linux/compiler.h"
#include "model/linux/spinlock.h"

struct task_struct;

struct completion {
    model_var<unsigned int> done;
    spinlock_t wait_lock;
    // Runtime bookkeeping for the wait queue, changed only under wait_lock.
    struct task_struct *waiters[model::rt::max_tasks] = {};
    int nr_waiters = 0;
    const char *name = "completion";
    // A completion on a task's stack goes: its queue and its lock's bookkeeping leave the
    // state's memory (rt.h). The only locks on a task's stack are those of completions.
    ~completion()
    {
        if (model::rt::state_on()) {
            model::rt::state_cell_remove_slow(&waiters);
            model::rt::state_cell_remove_slow(&wait_lock.owner);
        }
    }
};

// init_completion() remembers the argument as written ("&wq->done"), for the recorded schedule.
void model_init_completion(struct completion *x, const char *name);
#define init_completion(x) model_init_completion((x), #x)
void reinit_completion(struct completion *x);
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);
