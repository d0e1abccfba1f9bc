// The parts of kernel/sched/core.c, kernel/time/timer.c and kernel/signal.c that io-wq relies
// on: the sleep/wake protocol, the io-wq scheduler hooks, timeouts and signals.
#include "model/linux/kthread.h"
#include "model/linux/sched.h"
#include "model/linux/spinlock.h"

using namespace model::rt;

task_struct::task_struct()
{
    atomic_section s;
    state.store(TASK_RUNNING, rl::mo_seq_cst, rl::debug_info("task_struct"));
    usage.store(1, rl::mo_relaxed, rl::debug_info("task_struct"));
}

task_struct::~task_struct() = default;

__attribute__((weak)) void io_wq_worker_sleeping(struct task_struct *) {}
__attribute__((weak)) void io_wq_worker_running(struct task_struct *) {}

void model_set_current_state(long state)
{
    MODEL_FRAME_NAMED("set_current_state");
    task_struct *t = current;
    sched_point();
    atomic_section s;
    long old = task_state_load(t);
    task_state_store(t, state);
    log_event(event_kind::state, "set_current_state", "", t, old, state);
}

void model___set_current_state(long state)
{
    MODEL_FRAME_NAMED("__set_current_state");
    task_struct *t = current;
    sched_point();
    atomic_section s;
    long old = task_state_load(t);
    task_state_store(t, state);
    log_event(event_kind::state, "__set_current_state", "", t, old, state);
}

static void might_sleep_check(task_struct *t)
{
    if (model_atomic_locks_held(t)) {
        finding f = make_finding(finding_kind::sleep_atomic, "scheduling while atomic");
        f.fatal = true;
        raise(f);
    }
    if (t->rt.rcu_nesting) {
        finding f = make_finding(finding_kind::lockdep,
                                 "Voluntary context switch within RCU read-side critical section!");
        f.fatal = true;
        raise(f);
    }
}

// schedule() as kernel/sched/core.c has it: sched_submit_work(), __schedule(), then
// sched_update_worker(). Returns whether the task's timer (if it set one) expired.
static bool model_schedule(task_struct *t, bool timed)
{
    might_sleep_check(t);

    // sched_submit_work() reads the state to decide whether the io-wq hook runs; a wake can
    // land before that read (no hook) or after it (hook, then __schedule() finds the task
    // running).
    long s;
    sched_point();
    {
        atomic_section a;
        s = task_state_load(t);
    }
    if (s != TASK_RUNNING && (t->flags & PF_IO_WORKER))
        io_wq_worker_sleeping(t);

    // __schedule()
    bool fired = false;
    bool sleeps_until_timer = false;
    sched_point();
    {
        atomic_section a;
        s = task_state_load(t);
        if (s == TASK_RUNNING) {
            // Woken between set_current_state() and here: nothing to do.
        } else if ((s & TASK_INTERRUPTIBLE) && t->pending.load_locked()) {
            // signal_pending_state(): an interruptible sleeper with a signal does not sleep.
            task_state_store(t, TASK_RUNNING);
        } else if (timed && t->rt.timeouts_left > 0 && choose_local(2, t, sizeof *t) == 1) {
            // The search chose that the timer expires before anyone wakes this task.
            t->rt.timeouts_left--;
            fired = true;
            sleeps_until_timer = true;
        } else {
            t->rt.timer_armed = timed;
            t->rt.timer_fired = false;
            log_event(event_kind::sleep, timed ? "schedule_timeout" : "schedule", "", t, s, s);
            while (task_state_load(t) != TASK_RUNNING)
                park(park_kind::sleep, timed ? "schedule_timeout" : "schedule", nullptr);
            fired = t->rt.timer_fired;
            t->rt.timer_armed = false;
            t->rt.timer_fired = false;
        }
    }
    if (sleeps_until_timer) {
        // Asleep until the timer fires: others run meanwhile, and may wake us (harmlessly).
        log_event(event_kind::sleep, "schedule_timeout", "", t, s, s);
        sched_point();
        atomic_section a;
        task_state_store(t, TASK_RUNNING);
        log_event(event_kind::timer, "timer fires", "", t, 0, 0, task_index(t));
    }

    t->rt.woken_while_running = false;
    // sched_update_worker()
    if (t->flags & PF_IO_WORKER)
        io_wq_worker_running(t);
    state_read(fired);  // what the task learns from its timer
    return fired;
}

void schedule(void)
{
    MODEL_FRAME();
    model_schedule(current, false);
}

long schedule_timeout(long timeout)
{
    MODEL_FRAME();
    if (timeout == MAX_SCHEDULE_TIMEOUT) {
        model_schedule(current, false);
        return timeout;
    }
    // MODEL: time does not pass; a task woken before its timer fires gets the whole timeout
    // back, one whose timer fired gets 0, as schedule_timeout() returns them.
    return model_schedule(current, true) ? 0 : timeout;
}

// try_to_wake_up(): one visible step, as it is under p->pi_lock. The task_struct must still
// be there: its state is read (KASAN checks it).
static int try_to_wake_up(struct task_struct *p, unsigned int state)
{
    sched_point();
    atomic_section a;
    check_access(&p->state, sizeof(long), false);
    long s = task_state_load(p);
    if (!(s & state)) {
        if (s == TASK_RUNNING)
            p->rt.woken_while_running = true;
        log_event(event_kind::wake, "wake_up_process", "", p, s, 0, task_index(p));
        return 0;
    }
    task_state_store(p, TASK_RUNNING);
    log_event(event_kind::wake, "wake_up_process", "", p, s, 1, task_index(p));
    if (!p->rt.started)
        model_kthread_start(p);
    else if (p->rt.parked == park_kind::sleep)
        unpark(p);
    return 1;
}

void get_task_struct(struct task_struct *t)
{
    MODEL_FRAME();
    atomic_section a;
    check_access(&t->usage, sizeof(int), true);
    t->usage.fetch_add(1, rl::mo_relaxed, here());
}

// free_task(): the task_struct, and a kernel thread's struct kthread (free_kthread_struct()).
static void free_task(struct task_struct *t)
{
    MODEL_FRAME();
    if (t->model_kthread)
        arena_free(t->model_kthread, false, "struct kthread");
    arena_free(t, false, "task_struct");
}

void put_task_struct(struct task_struct *t)
{
    MODEL_FRAME();
    int old;
    {
        atomic_section a;
        check_access(&t->usage, sizeof(int), true);
        old = t->usage.fetch_sub(1, rl::mo_acq_rel, here());
        state_read(static_cast<std::uint64_t>(old));
    }
    if (old == 1) {
        MODEL_FRAME_NAMED("__put_task_struct");
        free_task(t);
    }
}

static void delayed_put_task_struct(void *arg)
{
    MODEL_FRAME_NAMED("delayed_put_task_struct");
    put_task_struct(static_cast<struct task_struct *>(arg));
}

void model_release_task(struct task_struct *t)
{
    MODEL_FRAME_NAMED("put_task_struct_rcu_user");
    rcu_queue(&delayed_put_task_struct, t);
}

int wake_up_process(struct task_struct *p)
{
    MODEL_FRAME();
    return try_to_wake_up(p, TASK_NORMAL);
}

int wake_up_state(struct task_struct *p, unsigned int state)
{
    MODEL_FRAME();
    return try_to_wake_up(p, state);
}

unsigned long task_rlimit(const struct task_struct *task, unsigned int limit)
{
    return limit == RLIMIT_NPROC ? task->rlim_nproc : ~0ul;
}

static unsigned long sigmask(int sig)
{
    return 1ul << (sig - 1);
}

int send_sig(int sig, struct task_struct *p, int priv)
{
    MODEL_FRAME();
    // A kernel thread ignores a signal unless it allowed it; allow_kernel_signal() lets only
    // signals the kernel itself sends (priv) through.
    if ((p->flags & PF_KTHREAD) && (!(p->allowed & sigmask(sig)) || !priv))
        return 0;
    sched_point();
    atomic_section a;
    // send_signal() under siglock, then signal_wake_up(): one step.
    unsigned long old = p->pending.load_locked();
    p->pending.store_locked(old | sigmask(sig));
    long s = task_state_load(p);
    log_event(event_kind::signal, "send_sig(SIGINT)", "", p, static_cast<long>(old),
              static_cast<long>(old | sigmask(sig)), task_index(p));
    if (s & TASK_INTERRUPTIBLE) {
        task_state_store(p, TASK_RUNNING);
        if (p->rt.parked == park_kind::sleep)
            unpark(p);
    }
    return 0;
}

int signal_pending(struct task_struct *p)
{
    MODEL_FRAME();
    return p->pending.load() != 0;
}

int fatal_signal_pending(struct task_struct *p)
{
    MODEL_FRAME();
    return (p->pending.load() & sigmask(SIGKILL)) != 0;
}

void flush_signals(struct task_struct *t)
{
    MODEL_FRAME();
    t->pending.store(0);
}

void allow_kernel_signal(int sig)
{
    MODEL_FRAME();
    current->allowed |= sigmask(sig);
}
