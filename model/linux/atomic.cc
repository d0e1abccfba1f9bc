// The atomic_t and bitops operations the model uses; see atomic.h for the memory model.
#include "model/linux/atomic.h"

using namespace model::rt;

static void note(const char *op, const char *expr, const void *obj, long before, long after)
{
    log_event(event_kind::value, op, expr, obj, before, after);
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
static int rmw(const char *op, const char *expr, atomic_t *v, int delta)
{
    int old = v->counter.update([delta](int x) { return x + delta; });
    note(op, expr, v, old, old + delta);
    return old;
}

void model_atomic_add(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_add");
    rmw("atomic_add", expr, v, i);
}

void model_atomic_sub(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_sub");
    rmw("atomic_sub", expr, v, -i);
}

void model_atomic_inc(atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_inc");
    rmw("atomic_inc", expr, v, 1);
}

void model_atomic_dec(atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_dec");
    rmw("atomic_dec", expr, v, -1);
}

int model_atomic_add_return(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_add_return");
    return rmw("atomic_add_return", expr, v, i) + i;
}

int model_atomic_sub_return(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_sub_return");
    return rmw("atomic_sub_return", expr, v, -i) - i;
}

int model_atomic_inc_return(atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_inc_return");
    return rmw("atomic_inc_return", expr, v, 1) + 1;
}

int model_atomic_dec_return(atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_dec_return");
    return rmw("atomic_dec_return", expr, v, -1) - 1;
}

int model_atomic_fetch_add(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_fetch_add");
    return rmw("atomic_fetch_add", expr, v, i);
}

int model_atomic_fetch_sub(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_fetch_sub");
    return rmw("atomic_fetch_sub", expr, v, -i);
}

bool model_atomic_dec_and_test(atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_dec_and_test");
    return rmw("atomic_dec_and_test", expr, v, -1) == 1;
}

bool model_atomic_inc_and_test(atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_inc_and_test");
    return rmw("atomic_inc_and_test", expr, v, 1) == -1;
}

bool model_atomic_sub_and_test(int i, atomic_t *v, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_sub_and_test");
    return rmw("atomic_sub_and_test", expr, v, -i) == i;
}

int model_atomic_cmpxchg(atomic_t *v, int old, int new_, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_cmpxchg");
    int prev = v->counter.update([old, new_](int x) { return x == old ? new_ : x; });
    note("atomic_cmpxchg", expr, v, prev, prev == old ? new_ : prev);
    return prev;
}

int model_atomic_xchg(atomic_t *v, int new_, const char *expr)
{
    MODEL_FRAME_NAMED("atomic_xchg");
    int prev = v->counter.update([new_](int) { return new_; });
    note("atomic_xchg", expr, v, prev, new_);
    return prev;
}

void model_set_bit(long nr, model_shared<unsigned long> *addr, const char *expr)
{
    MODEL_FRAME_NAMED("set_bit");
    unsigned long old = addr->update([nr](unsigned long x) { return x | BIT(nr); });
    note("set_bit", expr, addr, static_cast<long>(old), static_cast<long>(old | BIT(nr)));
}

void model_clear_bit(long nr, model_shared<unsigned long> *addr, const char *expr)
{
    MODEL_FRAME_NAMED("clear_bit");
    unsigned long old = addr->update([nr](unsigned long x) { return x & ~BIT(nr); });
    note("clear_bit", expr, addr, static_cast<long>(old), static_cast<long>(old & ~BIT(nr)));
}

bool test_bit(long nr, const model_shared<unsigned long> *addr)
{
    MODEL_FRAME();
    return (addr->load() >> nr) & 1;
}

bool model_test_and_set_bit(long nr, model_shared<unsigned long> *addr, const char *expr)
{
    MODEL_FRAME_NAMED("test_and_set_bit");
    unsigned long old = addr->update([nr](unsigned long x) { return x | BIT(nr); });
    note("test_and_set_bit", expr, addr, static_cast<long>(old), static_cast<long>(old | BIT(nr)));
    return (old >> nr) & 1;
}

bool model_test_and_clear_bit(long nr, model_shared<unsigned long> *addr, const char *expr)
{
    MODEL_FRAME_NAMED("test_and_clear_bit");
    unsigned long old = addr->update([nr](unsigned long x) { return x & ~BIT(nr); });
    note("test_and_clear_bit", expr, addr, static_cast<long>(old),
         static_cast<long>(old & ~BIT(nr)));
    return (old >> nr) & 1;
}
