#include "model/linux/bug.h"
#include "model/linux/refcount.h"

#include <cstdint>

using namespace model::rt;

namespace {
// One WARN_ONCE site per message, as REFCOUNT_WARN() expands at each case of the switch.
constexpr warn_site sites[] = {
    {"refcount_t: saturated; leaking memory.", "lib/refcount.c", 0},
    {"refcount_t: saturated; leaking memory.", "lib/refcount.c", 1},
    {"refcount_t: addition on 0; use-after-free.", "lib/refcount.c", 2},
    {"refcount_t: underflow; use-after-free.", "lib/refcount.c", 3},
    {"refcount_t: decrement hit 0; leaking memory.", "lib/refcount.c", 4},
};

void note(const char *op, const char *expr, refcount_t *r, int before, int after)
{
    log_event(event_kind::value, op, expr, r, before, after);
}
}  // namespace

// Called inside the operation's atomic step.
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
    MODEL_FRAME();
    r->refs.counter.store_locked(REFCOUNT_SATURATED);
    const warn_site *site = &sites[t];
    if (!warn_once_first(site))
        return;
    finding f = make_finding(finding_kind::refcount, site->cond);
    f.sub = static_cast<std::uint8_t>(t);
    // The object the counter lives in, so that a scenario's focus can tell wq->refs from
    // worker->ref.
    if (std::uintptr_t off = arena_offset(r); off != UINTPTR_MAX)
        f.alloc = alloc_of(off);
    raise(f);
}

void model_refcount_set(refcount_t *r, int n, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_set");
    sched_point();
    atomic_section s;
    int old = r->refs.counter.update_locked([n](int) { return n; });
    note("refcount_set", expr, r, old, n);
}

unsigned int model_refcount_read(const refcount_t *r)
{
    MODEL_FRAME_NAMED("refcount_read");
    return static_cast<unsigned int>(r->refs.counter.load());
}

static bool add_not_zero(const char *op, const char *expr, int i, refcount_t *r)
{
    sched_point();
    atomic_section s;
    int old = r->refs.counter.load_locked();
    if (old)
        r->refs.counter.store_locked(old + i);
    note(op, expr, r, old, old ? old + i : old);
    if (old < 0 || old + i < 0)
        refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
    return old != 0;
}

bool model_refcount_add_not_zero(int i, refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_add_not_zero");
    return add_not_zero("refcount_add_not_zero", expr, i, r);
}

bool model_refcount_inc_not_zero(refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_inc_not_zero");
    return add_not_zero("refcount_inc_not_zero", expr, 1, r);
}

static void add(const char *op, const char *expr, int i, refcount_t *r)
{
    sched_point();
    atomic_section s;
    int old = r->refs.counter.update_locked([i](int x) { return x + i; });
    note(op, expr, r, old, old + i);
    if (!old)
        refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
    else if (old < 0 || old + i < 0)
        refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

void model_refcount_add(int i, refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_add");
    add("refcount_add", expr, i, r);
}

void model_refcount_inc(refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_inc");
    add("refcount_inc", expr, 1, r);
}

static bool sub_and_test(const char *op, const char *expr, int i, refcount_t *r)
{
    sched_point();
    atomic_section s;
    int old = r->refs.counter.update_locked([i](int x) { return x - i; });
    note(op, expr, r, old, old - i);
    if (old == i)
        return true;
    if (old < 0 || old - i < 0)
        refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
    return false;
}

bool model_refcount_sub_and_test(int i, refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_sub_and_test");
    return sub_and_test("refcount_sub_and_test", expr, i, r);
}

bool model_refcount_dec_and_test(refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_dec_and_test");
    return sub_and_test("refcount_dec_and_test", expr, 1, r);
}

void model_refcount_dec(refcount_t *r, const char *expr)
{
    MODEL_FRAME_NAMED("refcount_dec");
    sched_point();
    atomic_section s;
    int old = r->refs.counter.update_locked([](int x) { return x - 1; });
    note("refcount_dec", expr, r, old, old - 1);
    if (old <= 1)
        refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}
