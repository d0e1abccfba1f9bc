#include "model/linux/bug.h"
#include "model/linux/percpu-refcount.h"

using namespace model::rt;

int percpu_ref_init(struct percpu_ref *ref, percpu_ref_func_t *release, unsigned int, unsigned int)
{
    MODEL_FRAME();
    ref->count.store(1);
    ref->dying.store(0);
    ref->release = release;
    return 0;
}

void percpu_ref_exit(struct percpu_ref *ref)
{
    MODEL_FRAME();
    ref->release = nullptr;
}

bool percpu_ref_tryget_many(struct percpu_ref *ref, unsigned long nr)
{
    MODEL_FRAME();
    long n = static_cast<long>(nr);
    long old = ref->count.update([n](long c) { return c ? c + n : c; });
    log_event(event_kind::value, "percpu_ref_tryget", "", ref, old, old ? old + n : old);
    return old != 0;
}

bool percpu_ref_tryget(struct percpu_ref *ref)
{
    return percpu_ref_tryget_many(ref, 1);
}

bool percpu_ref_tryget_live(struct percpu_ref *ref)
{
    MODEL_FRAME();
    if (ref->dying.load())
        return false;
    return percpu_ref_tryget_many(ref, 1);
}

void percpu_ref_get(struct percpu_ref *ref)
{
    MODEL_FRAME();
    long old = ref->count.update([](long c) { return c + 1; });
    log_event(event_kind::value, "percpu_ref_get", "", ref, old, old + 1);
}

void percpu_ref_put_many(struct percpu_ref *ref, unsigned long nr)
{
    MODEL_FRAME();
    long n = static_cast<long>(nr);
    long old = ref->count.update([n](long c) { return c - n; });
    log_event(event_kind::value, "percpu_ref_put", "", ref, old, old - n);
    WARN_ONCE(old - n < 0, "percpu ref (release) <= 0 after switching to atomic");
    if (old == n) {
        percpu_ref_func_t *release = ref->release;
        release(ref);
    }
}

void percpu_ref_put(struct percpu_ref *ref)
{
    percpu_ref_put_many(ref, 1);
}

void percpu_ref_kill(struct percpu_ref *ref)
{
    MODEL_FRAME();
    WARN_ONCE(ref->dying.load(), "percpu_ref_kill_and_confirm called more than once");
    ref->dying.store(1);
    percpu_ref_put(ref);
}

bool percpu_ref_is_dying(struct percpu_ref *ref)
{
    MODEL_FRAME();
    return ref->dying.load() != 0;
}
