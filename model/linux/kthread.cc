#include <cstdarg>
#include <cstdio>

#include "model/linux/atomic.h"
#include "model/linux/kthread.h"
#include "model/linux/sched.h"
#include "model/mutants.h"

using namespace model::rt;

static struct kthread *to_kthread(struct task_struct *k)
{
    return k->model_kthread;
}

struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data, int node,
                                           const char namefmt[], ...)
{
    // Fault injection: creating the thread fails as when kthreadd cannot allocate it.
    if (inject_fault("kthread_create_on_node"))
        return ERR_PTR<struct task_struct>(-ENOMEM);
    MODEL_FRAME();
    (void)node;  // MODEL: NUMA placement of the thread is not modelled.
    if (!reserve_kthread())
        cut_execution("kthread limit of the scenario");

    char name[64];
    va_list ap;
    va_start(ap, namefmt);
    std::vsnprintf(name, sizeof name, namefmt, ap);
    va_end(ap);

    task_struct *t = create_task(name, true);
    auto *k = static_cast<struct kthread *>(arena_alloc(type_of<struct kthread>(), 1, true));
    new (k) kthread();
    k->threadfn = threadfn;
    k->data = data;
    init_completion(&k->exited);
    t->model_kthread = k;
    atomic_section s;
    task_state_store(t, TASK_UNINTERRUPTIBLE);
    log_event(event_kind::create, "kthread_create", "", t, 0, 0, task_index(t));
    return t;
}

// kthread(): the body every kernel thread runs, here as the Relacy thread's function.
static void *kthread_fn(void *arg)
{
    auto *t = static_cast<task_struct *>(arg);
    bind_current_thread(t);
    try {
        MODEL_FRAME_NAMED("ret_from_fork");
        MODEL_FRAME_NAMED("kthread");
        struct kthread *self = to_kthread(t);
        int ret = -EINTR;
        if (!test_bit(KTHREAD_SHOULD_STOP, &self->flags))
            ret = self->threadfn(self->data);
        // do_exit(): mm_release() completes vfork_done, which is &self->exited.
        self->result = ret;
        complete(&self->exited);
    } catch (execution_cut &) {
    }
    task_exit(t);
    // Its task_struct goes a grace period after the exit, unless someone holds a reference
    // (kthread_stop() does while it waits).
    if (!cutting()) {
        try {
            MODEL_FRAME_NAMED("do_exit");
            model_release_task(t);
        } catch (execution_cut &) {
        }
    }
    return nullptr;
}

void model_kthread_start(struct task_struct *k)
{
    rl::ctx().create_thread(&kthread_fn, k);
    if (model::rt::state_on())
        model::rt::state_kthread_started(k);
    task_started(k);
}

int kthread_stop(struct task_struct *k)
{
    MODEL_FRAME();
    if (!MUTANT(stop_no_task_ref))
        get_task_struct(k);
    struct kthread *kt = to_kthread(k);
    set_bit(KTHREAD_SHOULD_STOP, &kt->flags);
    wake_up_process(k);
    wait_for_completion(&kt->exited);
    int ret = kt->result;
    model::rt::state_read(static_cast<std::uint32_t>(ret));
    if (!MUTANT(stop_no_task_ref))
        put_task_struct(k);
    return ret;
}

bool kthread_should_stop(void)
{
    MODEL_FRAME();
    return test_bit(KTHREAD_SHOULD_STOP, &to_kthread(current)->flags);
}

void *kthread_data(struct task_struct *k)
{
    return to_kthread(k)->data;
}
