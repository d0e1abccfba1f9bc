// Stand-in for include/linux/list_nulls.h and include/linux/rculist_nulls.h.
//
// A nulls list ends in an odd "nulls" value instead of NULL. `first` and `next` are read by
// RCU readers (marked fields, scheduling points); `pprev` is only used by updaters under
// their lock (a plain field). hlist_nulls_del_rcu() writes through pprev unconditionally, as
// the kernel does: on a node that is not on a list (pprev == NULL) that is a NULL pointer
// write, which the model reports as the kernel would oops.
#pragma once

#include "model/linux/compiler.h"
#include "model/linux/list.h"
#include "model/linux/rcupdate.h"

struct hlist_nulls_node {
    model_shared<struct hlist_nulls_node *> next;
    model_var<model_shared<struct hlist_nulls_node *> *> pprev;
};

struct hlist_nulls_head {
    model_shared<struct hlist_nulls_node *> first;
};

#define NULLS_MARKER(value) (1UL | (((long)(value)) << 1))

inline void INIT_HLIST_NULLS_HEAD(struct hlist_nulls_head *h, unsigned long nulls)
{
    MODEL_FRAME();
    h->first.store(reinterpret_cast<struct hlist_nulls_node *>(NULLS_MARKER(nulls)));
}

inline bool is_a_nulls(const struct hlist_nulls_node *ptr)
{
    return reinterpret_cast<unsigned long>(ptr) & 1;
}

inline unsigned long get_nulls_value(const struct hlist_nulls_node *ptr)
{
    return reinterpret_cast<unsigned long>(ptr) >> 1;
}

inline bool hlist_nulls_unhashed(const struct hlist_nulls_node *h)
{
    return !h->pprev;
}

inline bool hlist_nulls_empty(const struct hlist_nulls_head *h)
{
    MODEL_FRAME();
    return is_a_nulls(READ_ONCE(h->first));
}

inline void __hlist_nulls_del(struct hlist_nulls_node *n)
{
    struct hlist_nulls_node *next = n->next.load();
    model_shared<struct hlist_nulls_node *> *pprev = n->pprev;
    WRITE_ONCE(*pprev, next);
    if (!is_a_nulls(next))
        next->pprev = pprev;
}

#define hlist_nulls_entry(ptr, type, member) container_of(ptr, type, member)
#define hlist_nulls_first_rcu(head) ((head)->first)
#define hlist_nulls_next_rcu(node) ((node)->next)

inline void hlist_nulls_del_init_rcu(struct hlist_nulls_node *n)
{
    MODEL_FRAME();
    if (!hlist_nulls_unhashed(n)) {
        __hlist_nulls_del(n);
        n->pprev = nullptr;
    }
}

inline void hlist_nulls_del_rcu(struct hlist_nulls_node *n)
{
    MODEL_FRAME();
    __hlist_nulls_del(n);
    n->pprev = reinterpret_cast<model_shared<struct hlist_nulls_node *> *>(LIST_POISON2);
}

inline void hlist_nulls_add_head_rcu(struct hlist_nulls_node *n, struct hlist_nulls_head *h)
{
    MODEL_FRAME();
    struct hlist_nulls_node *first = h->first.load();
    n->next.store(first);
    n->pprev = &h->first;
    rcu_assign_pointer(hlist_nulls_first_rcu(h), n);
    if (!is_a_nulls(first))
        first->pprev = &n->next;
}

#define hlist_nulls_for_each_entry_rcu(tpos, pos, head, member)                                    \
    for (pos = rcu_dereference_raw(hlist_nulls_first_rcu(head));                                   \
         !is_a_nulls(pos) &&                                                                       \
         ((tpos = hlist_nulls_entry(pos, model_typeof_deref(tpos), member)), true);                \
         pos = rcu_dereference_raw(hlist_nulls_next_rcu(pos)))
