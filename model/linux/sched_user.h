// Stand-in for include/linux/sched/user.h: the per-uid accounting io-wq charges unbound
// workers to (user->processes), with its reference count.
#pragma once

#include "model/linux/atomic.h"
#include "model/linux/refcount.h"

struct user_struct {
    refcount_t __count;
    atomic_t processes;
    model_var<unsigned int> uid;
};

// A new user_struct with one reference (alloc_uid()).
struct user_struct *model_alloc_uid(unsigned int uid);
struct user_struct *get_uid(struct user_struct *u);
void free_uid(struct user_struct *up);
