// Stand-in for include/linux/spinlock.h.
//
// Taking a lock is one scheduling point; a task that finds it held parks until the holder
// releases it, and waiters get it in arrival order, as with the kernel's queued spinlock.
// Releasing it is not a scheduling point: the only task that can tell an unlock from the
// holder's next step is one waiting for the lock, and it is woken by the unlock either way.
// Acquire and release give Relacy the happens-before edges that make data under the lock
// race-free. The runtime keeps who holds what, so that __must_hold() can be checked, sleeping
// with a spinlock held is reported, and a hang report can say who holds a contended lock.
//
// MODEL: interrupts are not modelled (io-wq has no interrupt handlers); the _irq and
// _irqsave variants only keep count of the interrupt-disable nesting. A spinlock disables
// preemption from the step that takes it (or starts spinning for it) to its release, and that
// region, like an irq-off one, holds back RCU's grace period (model/rt/rcu.cc).
#pragma once

#include "model/linux/compiler.h"
#include "model/rt/rt.h"

struct task_struct;

typedef struct spinlock {
    model_shared<unsigned int> locked;
    // Runtime bookkeeping, changed only inside the lock's own atomic steps.
    struct task_struct *owner = nullptr;
    int waiters[model::rt::max_tasks] = {};
    int nr_waiters = 0;
    const char *name = "spinlock";
    bool sleepable = false;  // a struct mutex built on this: its holder may sleep
} spinlock_t;

void model_spin_lock_init(spinlock_t *lock, const char *name);
#define spin_lock_init(lock) model_spin_lock_init((lock), #lock)

void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
void spin_lock_irq(spinlock_t *lock);
void spin_unlock_irq(spinlock_t *lock);
unsigned long model_spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
#define spin_lock_irqsave(lock, flags)                                                             \
    do {                                                                                           \
        (flags) = model_spin_lock_irqsave(lock);                                                   \
    } while (0)
bool spin_is_locked(spinlock_t *lock);

// preempt_disable() and preempt_enable(): no scheduling point and no frame (macros in the
// kernel); the region holds back RCU's grace period.
void preempt_disable();
void preempt_enable();

// __must_hold(x) and lockdep_assert_held(x): the current task must hold x.
void model_must_hold(const spinlock_t *lock);
#define __must_hold(x) model_must_hold(&(x))
#define lockdep_assert_held(l) model_must_hold(l)
bool model_holds(const void *lock);
// How many locks the task holds that forbid sleeping (spinlocks, not mutexes).
int model_atomic_locks_held(const struct task_struct *t);
