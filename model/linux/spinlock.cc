// kernel/locking/spinlock.c and the queued spinlock, as seen from the tasks that use them.
#include "model/linux/sched.h"
#include "model/linux/spinlock.h"

using namespace model::rt;

// The lock's bookkeeping (its owner and its queue of spinning tasks) as one cell of the
// state's memory (rt.h).
static std::uint64_t book(const void *p)
{
    const spinlock_t *lock = static_cast<const spinlock_t *>(p);
    if (!lock->owner && !lock->nr_waiters)
        return 0;
    std::uint64_t h = state_mix(reinterpret_cast<std::uintptr_t>(lock->owner),
                                static_cast<std::uint64_t>(lock->nr_waiters));
    for (int i = 0; i < lock->nr_waiters; i++)
        h = state_mix(h, static_cast<std::uint64_t>(lock->waiters[i]));
    return h;
}

void model_spin_lock_init(spinlock_t *lock, const char *name)
{
    MODEL_FRAME_NAMED("spin_lock_init");
    atomic_section s;
    lock->locked.store_locked(0);
    lock->owner = nullptr;
    lock->nr_waiters = 0;
    lock->name = name;
    if (state_on()) {
        state_cell_remove_slow(&lock->owner);  // initialised again: one cell a lock
        state_cell_add_slow(&lock->owner, lock, &book);
    }
}

// irq: the caller disables interrupts first (spin_lock_irq(), spin_lock_irqsave()). Interrupts
// and preemption go off in the step that takes the lock (or starts spinning for it): from there
// on the task holds back RCU's grace period (model/rt/rcu.cc). A mutex (sleepable) leaves
// preemption on.
static void model_lock(spinlock_t *lock, bool irq)
{
    task_struct *t = current;
    if (lock->owner == t) {
        finding f = make_finding(finding_kind::lockdep, "spinlock recursion");
        f.object = lock->name;
        f.fatal = true;
        raise(f);
    }
    sched_point();
    atomic_section s;
    if (irq)
        t->rt.irqs_off++;
    if (!lock->sleepable)
        t->rt.preempt_off++;
    rcu_atomic_region_enter();
    while (lock->locked.load_locked()) {
        lock->waiters[lock->nr_waiters++] = task_index(t);
        park(park_kind::spin, lock->name, lock);
    }
    lock->locked.store_locked(1);
    lock->owner = t;
    if (t->rt.nr_held < max_held_locks)
        t->rt.held[t->rt.nr_held] = lock;
    t->rt.nr_held++;
    log_event(event_kind::lock, "spin_lock", lock->name, lock, 0, 1);
}

static void model_unlock(spinlock_t *lock)
{
    task_struct *t = current;
    atomic_section s;
    if (lock->owner != t) {
        finding f = make_finding(finding_kind::lockdep, "bad unlock balance");
        f.object = lock->name;
        f.fatal = true;
        raise(f);
    }
    lock->locked.store_locked(0);
    lock->owner = nullptr;
    if (!lock->sleepable)
        t->rt.preempt_off--;
    for (int i = t->rt.nr_held - 1; i >= 0; i--) {
        if (i < max_held_locks && t->rt.held[i] == lock) {
            for (int j = i; j + 1 < t->rt.nr_held && j + 1 < max_held_locks; j++)
                t->rt.held[j] = t->rt.held[j + 1];
            t->rt.nr_held--;
            break;
        }
    }
    log_event(event_kind::unlock, "spin_unlock", lock->name, lock, 1, 0);
    if (lock->nr_waiters) {
        task_struct *w = task_at(lock->waiters[0]);
        for (int i = 1; i < lock->nr_waiters; i++)
            lock->waiters[i - 1] = lock->waiters[i];
        lock->nr_waiters--;
        unpark(w);
    }
}

void spin_lock(spinlock_t *lock)
{
    MODEL_FRAME();
    model_lock(lock, false);
}

// Each unlock ends its region in the same step as the release; a grace period that waited only
// for this task may end there.
void spin_unlock(spinlock_t *lock)
{
    MODEL_FRAME();
    model_unlock(lock);
    rcu_atomic_region_exit();
}

void spin_lock_irq(spinlock_t *lock)
{
    MODEL_FRAME();
    model_lock(lock, true);
}

void spin_unlock_irq(spinlock_t *lock)
{
    MODEL_FRAME();
    model_unlock(lock);
    current->rt.irqs_off = 0;
    rcu_atomic_region_exit();
}

unsigned long model_spin_lock_irqsave(spinlock_t *lock)
{
    MODEL_FRAME_NAMED("spin_lock_irqsave");
    unsigned long flags = static_cast<unsigned long>(current->rt.irqs_off);
    model_lock(lock, true);
    return flags;
}

void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
    MODEL_FRAME();
    model_unlock(lock);
    current->rt.irqs_off = static_cast<int>(flags);
    rcu_atomic_region_exit();
}

void preempt_disable()
{
    current->rt.preempt_off++;
    rcu_atomic_region_enter();
}

void preempt_enable()
{
    current->rt.preempt_off--;
    rcu_atomic_region_exit();
}

bool spin_is_locked(spinlock_t *lock)
{
    MODEL_FRAME();
    return lock->locked.load() != 0;
}

int model_atomic_locks_held(const struct task_struct *t)
{
    int n = 0;
    for (int i = 0; i < t->rt.nr_held && i < max_held_locks; i++)
        if (!static_cast<const spinlock_t *>(t->rt.held[i])->sleepable)
            n++;
    return n;
}

bool model_holds(const void *lock)
{
    task_struct *t = current;
    for (int i = 0; i < t->rt.nr_held && i < max_held_locks; i++)
        if (t->rt.held[i] == lock)
            return true;
    return false;
}

void model_must_hold(const spinlock_t *lock)
{
    if (model_holds(lock))
        return;
    finding f = make_finding(finding_kind::lockdep, "lock not held");
    f.object = lock->name;
    f.fatal = true;
    raise(f);
}

// ---- include/linux/mutex.h ----

#include "model/linux/mutex.h"

void model_mutex_init(struct mutex *lock, const char *name)
{
    MODEL_FRAME_NAMED("mutex_init");
    model_spin_lock_init(&lock->wait_lock, name);
    lock->wait_lock.sleepable = true;
}

void mutex_lock(struct mutex *lock)
{
    MODEL_FRAME();
    model_lock(&lock->wait_lock, false);
}

void mutex_unlock(struct mutex *lock)
{
    MODEL_FRAME();
    model_unlock(&lock->wait_lock);
}
