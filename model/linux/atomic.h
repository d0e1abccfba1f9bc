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

int atomic_read(const atomic_t *v);
void atomic_set(atomic_t *v, int i);
void atomic_add(int i, atomic_t *v);
void atomic_sub(int i, atomic_t *v);
void atomic_inc(atomic_t *v);
void atomic_dec(atomic_t *v);
int atomic_add_return(int i, atomic_t *v);
int atomic_sub_return(int i, atomic_t *v);
int atomic_inc_return(atomic_t *v);
int atomic_dec_return(atomic_t *v);
int atomic_fetch_add(int i, atomic_t *v);
int atomic_fetch_sub(int i, atomic_t *v);
bool atomic_dec_and_test(atomic_t *v);
bool atomic_inc_and_test(atomic_t *v);
bool atomic_sub_and_test(int i, atomic_t *v);
int atomic_cmpxchg(atomic_t *v, int old, int new_);
int atomic_xchg(atomic_t *v, int new_);

// Bit operations on one word (io-wq only uses bits of a single unsigned long).
void set_bit(long nr, model_shared<unsigned long> *addr);
void clear_bit(long nr, model_shared<unsigned long> *addr);
bool test_bit(long nr, const model_shared<unsigned long> *addr);
bool test_and_set_bit(long nr, model_shared<unsigned long> *addr);
bool test_and_clear_bit(long nr, model_shared<unsigned long> *addr);
