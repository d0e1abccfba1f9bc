// Stand-in for include/linux/list.h and the list parts of include/linux/rculist.h.
//
// `next` is read by RCU readers concurrently with updates, so it is a marked field and every
// access to it is a scheduling point; `prev` is only used by updaters under their lock, so it
// is a plain field. Deleting an entry poisons its pointers as the kernel does, so a second
// list_del() or a walk through a deleted entry faults on the poison value.
#pragma once

#include <type_traits>

#include "model/linux/compiler.h"
#include "model/linux/rcupdate.h"
#include "model/rt/rt.h"

struct list_head {
    model_shared<struct list_head *> next;
    model_var<struct list_head *> prev;
};

#define LIST_POISON1                                                                               \
    (reinterpret_cast<struct list_head *>(0x100 + ::model::rt::poison_pointer_delta))
#define LIST_POISON2                                                                               \
    (reinterpret_cast<struct list_head *>(0x122 + ::model::rt::poison_pointer_delta))

#define model_typeof_deref(p) std::remove_reference_t<decltype(*(p))>

inline void INIT_LIST_HEAD(struct list_head *list)
{
    MODEL_FRAME();
    WRITE_ONCE(list->next, list);
    list->prev = list;
}

inline void __list_add(struct list_head *new_, struct list_head *prev, struct list_head *next)
{
    next->prev = new_;
    new_->next.store(next);
    new_->prev = prev;
    WRITE_ONCE(prev->next, new_);
}

inline void list_add(struct list_head *new_, struct list_head *head)
{
    MODEL_FRAME();
    __list_add(new_, head, head->next.load());
}

inline void list_add_tail(struct list_head *new_, struct list_head *head)
{
    MODEL_FRAME();
    __list_add(new_, head->prev, head);
}

inline void __list_del(struct list_head *prev, struct list_head *next)
{
    next->prev = prev;
    WRITE_ONCE(prev->next, next);
}

inline void __list_del_entry(struct list_head *entry)
{
    __list_del(entry->prev, entry->next.load());
}

inline void list_del(struct list_head *entry)
{
    MODEL_FRAME();
    __list_del_entry(entry);
    entry->next.store(LIST_POISON1);
    entry->prev = LIST_POISON2;
}

inline void list_del_init(struct list_head *entry)
{
    MODEL_FRAME();
    __list_del_entry(entry);
    INIT_LIST_HEAD(entry);
}

inline bool list_empty(const struct list_head *head)
{
    MODEL_FRAME();
    return READ_ONCE(head->next) == head;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next.load(), type, member)
#define list_next_entry(pos, member)                                                               \
    list_entry((pos)->member.next.load(), model_typeof_deref(pos), member)

#define list_for_each_entry(pos, head, member)                                                     \
    for (pos = list_first_entry(head, model_typeof_deref(pos), member); &pos->member != (head);    \
         pos = list_next_entry(pos, member))

#define list_for_each_entry_safe(pos, n, head, member)                                             \
    for (pos = list_first_entry(head, model_typeof_deref(pos), member),                            \
        n = list_next_entry(pos, member);                                                          \
         &pos->member != (head); pos = n, n = list_next_entry(n, member))

// ---- RCU variants (include/linux/rculist.h) ----

inline void __list_add_rcu(struct list_head *new_, struct list_head *prev, struct list_head *next)
{
    new_->next.store(next);
    new_->prev = prev;
    rcu_assign_pointer(prev->next, new_);
    next->prev = new_;
}

inline void list_add_rcu(struct list_head *new_, struct list_head *head)
{
    MODEL_FRAME();
    __list_add_rcu(new_, head, head->next.load());
}

inline void list_add_tail_rcu(struct list_head *new_, struct list_head *head)
{
    MODEL_FRAME();
    __list_add_rcu(new_, head->prev, head);
}

inline void list_del_rcu(struct list_head *entry)
{
    MODEL_FRAME();
    __list_del_entry(entry);
    entry->prev = LIST_POISON2;
}

#define list_entry_rcu(ptr, type, member) container_of(READ_ONCE(ptr), type, member)

#define list_for_each_entry_rcu(pos, head, member)                                                 \
    for (pos = list_entry_rcu((head)->next, model_typeof_deref(pos), member);                      \
         &pos->member != (head);                                                                   \
         pos = list_entry_rcu(pos->member.next, model_typeof_deref(pos), member))
