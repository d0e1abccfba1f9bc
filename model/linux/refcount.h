// Stand-in for include/linux/refcount.h and lib/refcount.c (the v5.5+ implementation).
//
// As in the kernel: refcount_inc_not_zero() on 0 returns false without a word;
// refcount_inc() on 0 warns "refcount_t: addition on 0; use-after-free."; a decrement below
// zero warns "refcount_t: underflow; use-after-free."; refcount_dec() to 0 warns "decrement
// hit 0; leaking memory."; and any of these leaves the counter saturated at
// REFCOUNT_SATURATED, where it stays. Each warning is a WARN_ONCE in refcount_warn_saturate().
// Each operation is one atomic step (the kernel's compare-and-exchange loops succeed on their
// last iteration, which is where the model puts the step).
//
// The operations are macros over model_ functions that also take the argument as written
// ("&worker->ref"), so that a recorded schedule can say which count changed.
#pragma once

#include <climits>

#include "model/linux/atomic.h"

typedef struct refcount_struct {
    atomic_t refs;
} refcount_t;

// The conservation oracle on a refcount_t (model_conserve() in compiler.h).
inline void model_conserve(const refcount_t *r, const char *name)
{
    model_conserve(&r->refs, name);
}

#define REFCOUNT_MAX INT_MAX
#define REFCOUNT_SATURATED (INT_MIN / 2)

enum refcount_saturation_type {
    REFCOUNT_ADD_NOT_ZERO_OVF,
    REFCOUNT_ADD_OVF,
    REFCOUNT_ADD_UAF,
    REFCOUNT_SUB_UAF,
    REFCOUNT_DEC_LEAK,
};

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

void model_refcount_set(refcount_t *r, int n, const char *expr);
unsigned int model_refcount_read(const refcount_t *r);
bool model_refcount_add_not_zero(int i, refcount_t *r, const char *expr);
bool model_refcount_inc_not_zero(refcount_t *r, const char *expr);
void model_refcount_add(int i, refcount_t *r, const char *expr);
void model_refcount_inc(refcount_t *r, const char *expr);
bool model_refcount_sub_and_test(int i, refcount_t *r, const char *expr);
bool model_refcount_dec_and_test(refcount_t *r, const char *expr);
void model_refcount_dec(refcount_t *r, const char *expr);

#define refcount_set(r, n) model_refcount_set((r), (n), #r)
#define refcount_read(r) model_refcount_read(r)
#define refcount_add_not_zero(i, r) model_refcount_add_not_zero((i), (r), #r)
#define refcount_inc_not_zero(r) model_refcount_inc_not_zero((r), #r)
#define refcount_add(i, r) model_refcount_add((i), (r), #r)
#define refcount_inc(r) model_refcount_inc((r), #r)
#define refcount_sub_and_test(i, r) model_refcount_sub_and_test((i), (r), #r)
#define refcount_dec_and_test(r) model_refcount_dec_and_test((r), #r)
#define refcount_dec(r) model_refcount_dec((r), #r)
