// Stand-in for include/linux/mutex.h.
//
// MODEL: a mutex is the spinlock of spinlock.h with sleeping allowed while it is held: a
// contended waiter parks (the kernel's would sleep too, after optimistic spinning), waiters
// get it in arrival order, and lock/unlock give the same happens-before edges.
#pragma once

#include "model/linux/spinlock.h"

struct mutex {
    spinlock_t wait_lock;
};

void model_mutex_init(struct mutex *lock, const char *name);
#define mutex_init(lock) model_mutex_init((lock), #lock)
void mutex_lock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
