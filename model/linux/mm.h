// Stand-in for the parts of include/linux/mm.h, sched/mm.h, mmu_context.h, cred.h and
// fdtable.h that io-wq calls when a worker takes on a request's context.
//
// MODEL: which mm, credentials and files a worker runs with has no bearing on the lifecycle
// of io-wq's objects. The model keeps them as opaque tokens so that every branch io-wq takes
// on them (in particular the paths that drop wqe->lock to restore them) is taken as in the
// kernel; the tokens themselves do nothing.
#pragma once

struct mm_struct {
    int token;
};
struct cred {
    int token;
};
struct files_struct {
    int token;
};

#define KERNEL_DS 0
#define USER_DS 1
inline void set_fs(int) {}
inline void use_mm(struct mm_struct *) {}
inline void unuse_mm(struct mm_struct *) {}
inline bool mmget_not_zero(struct mm_struct *)
{
    return true;
}
inline void mmput(struct mm_struct *) {}
const struct cred *override_creds(const struct cred *new_);
void revert_creds(const struct cred *old);
inline void put_cred(const struct cred *) {}
inline void task_lock(struct task_struct *) {}
inline void task_unlock(struct task_struct *) {}
