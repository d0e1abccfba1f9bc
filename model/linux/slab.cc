#include <cstdio>
#include <cstdlib>

#include "model/linux/slab.h"

using namespace model::rt;

namespace model::rt {
bool g_construct_uninit = false;

void slab_size_mismatch(const char *fn, std::size_t bytes, std::size_t elem)
{
    std::fprintf(stderr,
                 "iowq-model: %s(%zu) cannot hold objects of %zu bytes: pass the size of the "
                 "model's type\n",
                 fn, bytes, elem);
    std::abort();
}
}  // namespace model::rt

void model_kfree(const void *objp, const char *expr)
{
    MODEL_FRAME_NAMED("kfree");
    if (!objp)
        return;
    // Freeing is visible to every task that still holds a pointer: a scheduling point.
    sched_point();
    arena_free(objp, false, expr);
}

void model_slab_mark_rcu_pending(const void *objp)
{
    std::uintptr_t off = arena_offset(objp);
    int idx = off == UINTPTR_MAX ? -1 : alloc_of(off);
    if (idx < 0 || alloc_at(idx).off != off || alloc_at(idx).state != alloc_state::live) {
        // Let the free itself report it, with the right kind.
        return;
    }
    mark_rcu_pending(idx);
}
