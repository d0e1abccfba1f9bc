// Stand-in for include/linux/kthread.h and kernel/kthread.c.
//
// kthread_create_on_node() returns a task that exists but does not run its function until it
// is first woken; it sleeps in TASK_UNINTERRUPTIBLE until then. Its Relacy thread is only
// started by that first wake, so a thread nobody wakes costs the search nothing. kthread()
// runs the function only if nobody asked it to stop first; kthread_stop() sets the stop bit,
// wakes the thread, and waits until its function has returned.
//
// MODEL: a scenario declares how many kthreads it may create (Relacy needs the number up
// front); creating one more abandons the execution as out of bounds instead of failing it.
#pragma once

#include "model/linux/completion.h"
#include "model/linux/compiler.h"
#include "model/linux/err.h"

#define NUMA_NO_NODE (-1)
#define KTHREAD_SHOULD_STOP 1

struct task_struct;

struct kthread {
    model_shared<unsigned long> flags;
    int (*threadfn)(void *) = nullptr;
    void *data = nullptr;
    int result = 0;
    struct completion exited;
};

struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data, int node,
                                           const char namefmt[], ...)
    __attribute__((format(printf, 4, 5)));
#define kthread_create(threadfn, data, namefmt, ...)                                               \
    kthread_create_on_node(threadfn, data, NUMA_NO_NODE, namefmt, ##__VA_ARGS__)
int kthread_stop(struct task_struct *k);
bool kthread_should_stop(void);
void *kthread_data(struct task_struct *k);

// Starts the Relacy thread of a kthread at its first wake (called by try_to_wake_up()).
void model_kthread_start(struct task_struct *k);
