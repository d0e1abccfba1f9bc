// Stand-in for include/linux/rcupdate.h (and the kfree_rcu of slab.h).
//
// Readers: rcu_read_lock()/rcu_read_unlock() nest per task and are not scheduling points.
// A callback queued by call_rcu()/kfree_rcu() waits for every task that was inside a
// read-side section when it was queued, and runs the moment the last of them leaves it (in
// that task's rcu_read_unlock(), as an RCU softirq would run on its CPU); with no such reader
// it runs at once. That is the earliest end of the grace period the kernel allows, and it
// finds every use-after-free a later end would: anything a later end exposes is touched by
// a reader that started after the callback was queued, and such a reader could only have
// found the object if it was still published, which is a bug at any grace-period length.
//
// rcu_dereference() outside a read-side section is reported as PROVE_RCU reports it
// ("suspicious rcu_dereference_check() usage"); sleeping inside one is reported too.
#pragma once

#include "model/linux/compiler.h"

struct rcu_head {
    model_var<void *> next;
    model_var<void (*)(struct rcu_head *)> func;
};
typedef void (*rcu_callback_t)(struct rcu_head *head);

void rcu_read_lock(void);
void rcu_read_unlock(void);
bool rcu_read_lock_held(void);
void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);

// kfree_rcu(ptr, field): kfree(ptr) once a grace period has ended.
void model_kfree_rcu(const void *ptr, struct rcu_head *head, const char *expr);
#define kfree_rcu(ptr, rhf) model_kfree_rcu((ptr), &(ptr)->rhf, #ptr)

// The RCU "lock" for __must_hold(RCU).
struct model_rcu_lock_map {};
inline constexpr model_rcu_lock_map RCU{};
void model_must_hold(const model_rcu_lock_map *);

void model_rcu_dereference_check(bool ok);

template <class T>
T model_rcu_dereference(const model_shared<T> &p)
{
    MODEL_FRAME_NAMED("rcu_dereference");
    model_rcu_dereference_check(rcu_read_lock_held());
    return p.load();
}

#define rcu_dereference(p) model_rcu_dereference(p)
#define rcu_dereference_raw(p) ((p).load())
#define rcu_dereference_protected(p, c) ((p).load())
#define rcu_assign_pointer(p, v) ((p).store(v))
#define RCU_INIT_POINTER(p, v) ((p).store(v))
