// Stand-in for include/linux/atomic.h and the bit operations of include/linux/bitops.h.
//
// MODEL: every atomic operation is sequentially consistent and is one scheduling point. The
// Linux kernel memory model orders less (atomic_inc() and set_bit() are unordered, value
// returning RMWs are fully ordered); the model can therefore miss a bug that needs a weaker
// order, but it cannot report one the kernel's ordering rules out. docs/primitives.md says more.
#pragma once

#include "model/linux/compiler.h"

typedef struct {
    model_shared<int> counter;
} atomic_t;

#define ATOMIC_INIT(i)                                                                             \
    {                                                                                              \
        (i)                                                                                        \
    }
#define BITS_PER_LONG 64
#define BIT(nr) (1UL << (nr))
#define BIT_ULL(nr) (1ULL << (nr))

// The read-modify-writes are macros over model_ functions that also take the argument as
// written ("&acct->nr_running"), for the recorded schedule.
int atomic_read(const atomic_t *v);
void atomic_set(atomic_t *v, int i);
void model_atomic_add(int i, atomic_t *v, const char *expr);
void model_atomic_sub(int i, atomic_t *v, const char *expr);
void model_atomic_inc(atomic_t *v, const char *expr);
void model_atomic_dec(atomic_t *v, const char *expr);
int model_atomic_add_return(int i, atomic_t *v, const char *expr);
int model_atomic_sub_return(int i, atomic_t *v, const char *expr);
int model_atomic_inc_return(atomic_t *v, const char *expr);
int model_atomic_dec_return(atomic_t *v, const char *expr);
int model_atomic_fetch_add(int i, atomic_t *v, const char *expr);
int model_atomic_fetch_sub(int i, atomic_t *v, const char *expr);
bool model_atomic_dec_and_test(atomic_t *v, const char *expr);
bool model_atomic_inc_and_test(atomic_t *v, const char *expr);
bool model_atomic_sub_and_test(int i, atomic_t *v, const char *expr);
int model_atomic_cmpxchg(atomic_t *v, int old, int new_, const char *expr);
int model_atomic_xchg(atomic_t *v, int new_, const char *expr);

// The conservation oracle on an atomic_t (model_conserve() in compiler.h).
inline void model_conserve(const atomic_t *v, const char *name)
{
    model_conserve(&v->counter, name);
}

#define atomic_add(i, v) model_atomic_add((i), (v), #v)
#define atomic_sub(i, v) model_atomic_sub((i), (v), #v)
#define atomic_inc(v) model_atomic_inc((v), #v)
#define atomic_dec(v) model_atomic_dec((v), #v)
#define atomic_add_return(i, v) model_atomic_add_return((i), (v), #v)
#define atomic_sub_return(i, v) model_atomic_sub_return((i), (v), #v)
#define atomic_inc_return(v) model_atomic_inc_return((v), #v)
#define atomic_dec_return(v) model_atomic_dec_return((v), #v)
#define atomic_fetch_add(i, v) model_atomic_fetch_add((i), (v), #v)
#define atomic_fetch_sub(i, v) model_atomic_fetch_sub((i), (v), #v)
#define atomic_dec_and_test(v) model_atomic_dec_and_test((v), #v)
#define atomic_inc_and_test(v) model_atomic_inc_and_test((v), #v)
#define atomic_sub_and_test(i, v) model_atomic_sub_and_test((i), (v), #v)
#define atomic_cmpxchg(v, o, n) model_atomic_cmpxchg((v), (o), (n), #v)
#define atomic_xchg(v, n) model_atomic_xchg((v), (n), #v)

// Bit operations on one word (io-wq only uses bits of a single unsigned long).
void model_set_bit(long nr, model_shared<unsigned long> *addr, const char *expr);
void model_clear_bit(long nr, model_shared<unsigned long> *addr, const char *expr);
bool test_bit(long nr, const model_shared<unsigned long> *addr);
bool model_test_and_set_bit(long nr, model_shared<unsigned long> *addr, const char *expr);
bool model_test_and_clear_bit(long nr, model_shared<unsigned long> *addr, const char *expr);

#define set_bit(nr, addr) model_set_bit((nr), (addr), #nr)
#define clear_bit(nr, addr) model_clear_bit((nr), (addr), #nr)
#define test_and_set_bit(nr, addr) model_test_and_set_bit((nr), (addr), #nr)
#define test_and_clear_bit(nr, addr) model_test_and_clear_bit((nr), (addr), #nr)
