// Stand-in for include/linux/percpu-refcount.h.
//
// MODEL: the count is one atomic counter from the start (the kernel's percpu mode only makes
// gets and puts cheap; its sum behaves the same). The initial reference is the base one that
// percpu_ref_kill() drops; after the kill, the release callback runs when the count reaches
// zero. percpu_ref_tryget() succeeds while the count is not zero, dying or not, as the kernel's
// does; percpu_ref_tryget_live() fails once the ref is dying.
#pragma once

#include "model/linux/atomic.h"

struct percpu_ref;
typedef void(percpu_ref_func_t)(struct percpu_ref *);

struct percpu_ref {
    model_shared<long> count;
    model_shared<int> dying;
    model_var<percpu_ref_func_t *> release;
};

// The conservation oracle on a percpu_ref (model_conserve() in compiler.h).
inline void model_conserve(const struct percpu_ref *ref, const char *name)
{
    model_conserve(&ref->count, name);
}

#define PERCPU_REF_ALLOW_REINIT 4

int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release, unsigned int flags,
                    unsigned int gfp);
void percpu_ref_exit(struct percpu_ref *ref);
bool percpu_ref_tryget(struct percpu_ref *ref);
bool percpu_ref_tryget_many(struct percpu_ref *ref, unsigned long nr);
bool percpu_ref_tryget_live(struct percpu_ref *ref);
void percpu_ref_get(struct percpu_ref *ref);
void percpu_ref_put(struct percpu_ref *ref);
void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr);
void percpu_ref_kill(struct percpu_ref *ref);
bool percpu_ref_is_dying(struct percpu_ref *ref);
