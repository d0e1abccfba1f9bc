// Litmus: a lookup takes a reference with refcount_inc_not_zero() while the owner unpublishes
// the object and drops the last reference.
//
// Question: can the lookup touch the object after it was freed?
// Tasks:    lookup  (READ_ONCE the slot, refcount_inc_not_zero, read a field, put)
//           release (clear the slot, put: the last put frees)
// Result:   lookup_vs_free       (kfree, no RCU)                   KASAN use-after-free
//           lookup_vs_free_rcu   (rcu_read_lock + kfree_rcu)       clean
//           lookup_outside_rcu   (pointer loaded before rcu_read_lock) KASAN use-after-free
//
// This is the pattern io-wq's io_wqe_activate_free_worker() follows (io_worker_get() under
// rcu_read_lock(), workers freed with kfree_rcu()): R3 in the notes.
#pragma once

#include "model/linux/compiler.h"
#include "model/linux/rcupdate.h"
#include "model/linux/refcount.h"
#include "model/linux/slab.h"

namespace iowq::litmus {

struct obj {
    refcount_t ref;
    model_var<int> payload;
    struct rcu_head rcu;
};

inline void obj_put(obj *o)
{
    MODEL_FRAME();
    if (refcount_dec_and_test(&o->ref))
        kfree(o);
}

inline void obj_put_rcu(obj *o)
{
    MODEL_FRAME();
    if (refcount_dec_and_test(&o->ref))
        kfree_rcu(o, rcu);
}

struct lookup_vs_free {
    static constexpr int nr_tasks = 2;
    static constexpr int nr_kthreads = 0;
    static constexpr const char *task_names[] = {"lookup", "release"};
    model_shared<obj *> slot;

    void setup()
    {
        obj *o = kzalloc(sizeof(obj), GFP_KERNEL);
        refcount_set(&o->ref, 1);
        o->payload = 42;
        WRITE_ONCE(slot, o);
    }
    static void lookup(lookup_vs_free *l)
    {
        MODEL_FRAME();
        obj *o = READ_ONCE(l->slot);
        if (o && refcount_inc_not_zero(&o->ref)) {
            (void)static_cast<int>(o->payload);
            obj_put(o);
        }
    }
    static void release(lookup_vs_free *l)
    {
        MODEL_FRAME();
        obj *o = READ_ONCE(l->slot);
        WRITE_ONCE(l->slot, nullptr);
        obj_put(o);
    }
    void task(int i) { i == 0 ? lookup(this) : release(this); }
    void teardown() {}
};

struct lookup_vs_free_rcu : lookup_vs_free {
    static inline int got = 0, missed = 0;  // outcomes over the clean executions
    bool won = false;
    static void lookup(lookup_vs_free_rcu *l)
    {
        MODEL_FRAME();
        rcu_read_lock();
        obj *o = rcu_dereference(l->slot);
        bool got = o && refcount_inc_not_zero(&o->ref);
        rcu_read_unlock();
        if (got) {
            (void)static_cast<int>(o->payload);
            obj_put_rcu(o);
        }
        l->won = got;
    }
    static void release(lookup_vs_free_rcu *l)
    {
        MODEL_FRAME();
        obj *o = READ_ONCE(l->slot);
        rcu_assign_pointer(l->slot, nullptr);
        obj_put_rcu(o);
    }
    void task(int i) { i == 0 ? lookup(this) : release(this); }
    void teardown() { (won ? got : missed)++; }
};

struct lookup_outside_rcu : lookup_vs_free_rcu {
    static void lookup(lookup_outside_rcu *l)
    {
        MODEL_FRAME();
        obj *o = READ_ONCE(l->slot);
        rcu_read_lock();
        bool got = o && refcount_inc_not_zero(&o->ref);
        rcu_read_unlock();
        if (got)
            obj_put_rcu(o);
    }
    void task(int i) { i == 0 ? lookup(this) : release(this); }
};

}  // namespace iowq::litmus
