// The atomic_t and bitops operations the model uses; see atomic.h for the memory model.
#include "model/linux/atomic.h"

using namespace model::rt;

static void note(const char *op, const void *obj, long before, long after)
{
    log_event(op, obj, before, after);
}

int atomic_read(const atomic_t *v)
{
    MODEL_FRAME();
    return v->counter.load();
}

void atomic_set(atomic_t *v, int i)
{
    MODEL_FRAME();
    v->counter.store(i);
}

// One read-modify-write step; returns the old value.
static int rmw(const char *op, atomic_t *v, int delta)
{
    int old = v->counter.update([delta](int x) { return x + delta; });
    note(op, v, old, old + delta);
    return old;
}

void atomic_add(int i, atomic_t *v)
{
    MODEL_FRAME();
    rmw(__func__, v, i);
}

void atomic_sub(int i, atomic_t *v)
{
    MODEL_FRAME();
    rmw(__func__, v, -i);
}

void atomic_inc(atomic_t *v)
{
    MODEL_FRAME();
    rmw(__func__, v, 1);
}

void atomic_dec(atomic_t *v)
{
    MODEL_FRAME();
    rmw(__func__, v, -1);
}

int atomic_add_return(int i, atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, i) + i;
}

int atomic_sub_return(int i, atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, -i) - i;
}

int atomic_inc_return(atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, 1) + 1;
}

int atomic_dec_return(atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, -1) - 1;
}

int atomic_fetch_add(int i, atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, i);
}

int atomic_fetch_sub(int i, atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, -i);
}

bool atomic_dec_and_test(atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, -1) == 1;
}

bool atomic_inc_and_test(atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, 1) == -1;
}

bool atomic_sub_and_test(int i, atomic_t *v)
{
    MODEL_FRAME();
    return rmw(__func__, v, -i) == i;
}

int atomic_cmpxchg(atomic_t *v, int old, int new_)
{
    MODEL_FRAME();
    int prev = v->counter.update([old, new_](int x) { return x == old ? new_ : x; });
    note(__func__, v, prev, prev == old ? new_ : prev);
    return prev;
}

int atomic_xchg(atomic_t *v, int new_)
{
    MODEL_FRAME();
    int prev = v->counter.update([new_](int) { return new_; });
    note(__func__, v, prev, new_);
    return prev;
}

void set_bit(long nr, model_shared<unsigned long> *addr)
{
    MODEL_FRAME();
    unsigned long old = addr->update([nr](unsigned long x) { return x | BIT(nr); });
    note(__func__, addr, static_cast<long>(old), static_cast<long>(old | BIT(nr)));
}

void clear_bit(long nr, model_shared<unsigned long> *addr)
{
    MODEL_FRAME();
    unsigned long old = addr->update([nr](unsigned long x) { return x & ~BIT(nr); });
    note(__func__, addr, static_cast<long>(old), static_cast<long>(old & ~BIT(nr)));
}

bool test_bit(long nr, const model_shared<unsigned long> *addr)
{
    MODEL_FRAME();
    return (addr->load() >> nr) & 1;
}

bool test_and_set_bit(long nr, model_shared<unsigned long> *addr)
{
    MODEL_FRAME();
    unsigned long old = addr->update([nr](unsigned long x) { return x | BIT(nr); });
    note(__func__, addr, static_cast<long>(old), static_cast<long>(old | BIT(nr)));
    return (old >> nr) & 1;
}

bool test_and_clear_bit(long nr, model_shared<unsigned long> *addr)
{
    MODEL_FRAME();
    unsigned long old = addr->update([nr](unsigned long x) { return x & ~BIT(nr); });
    note(__func__, addr, static_cast<long>(old), static_cast<long>(old & ~BIT(nr)));
    return (old >> nr) & 1;
}
