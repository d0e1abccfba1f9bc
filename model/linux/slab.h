// Stand-in for include/linux/slab.h, with a KASAN-like shadow.
//
// kmalloc() and friends take the kernel's arguments and return a value that becomes the
// object when it is assigned to a typed pointer:
//     worker = kzalloc_node(sizeof(*worker), GFP_KERNEL, wqe->node);
// constructs a zeroed struct io_worker in the execution's arena (kmalloc leaves its plain
// fields uninitialised, so a read before the first write is reported). kfree() poisons the
// object's shadow; the memory itself stays in quarantine until the execution ends, so a
// later access through a stale pointer is reported as KASAN would report it, with the
// allocation and free call chains. Double and invalid frees are reported too, and every
// object still allocated when the execution ends is reported as a leak.
//
// MODEL: freed memory is never reused within an execution (KASAN's quarantine delays reuse
// the same way); a bug that needs the memory to be reused by another object shows up as the
// use-after-free that precedes it.
#pragma once

#include <cstddef>
#include <new>

#include "model/linux/rcupdate.h"
#include "model/rt/rt.h"

typedef unsigned int gfp_t;
#define GFP_KERNEL 0xcc0u
#define GFP_ATOMIC 0xa20u
#define __GFP_ZERO 0x100u

namespace model::rt {
[[noreturn]] void slab_size_mismatch(const char *fn, std::size_t bytes, std::size_t elem);
}

struct model_slab_alloc {
    const char *fn;
    std::size_t bytes;  // size argument, or the element size for kcalloc
    std::size_t n;      // element count for kcalloc, 0 otherwise
    bool zero;

    template <class T>
    operator T *() const
    {
        static_assert(!std::is_void_v<T>, "assign the allocation to a typed pointer");
        // Fault injection (failslab): the allocation returns NULL.
        if (model::rt::inject_fault(fn))
            return nullptr;
        MODEL_FRAME_NAMED(fn);
        std::size_t count;
        if (n) {
            // kcalloc(n, sizeof(kernel element), ...): the model's element type, which may be
            // a wrapped field (model_var<struct io_wqe *>), decides the size.
            count = n;
        } else {
            if (bytes == 0 || bytes % sizeof(T))
                model::rt::slab_size_mismatch(fn, bytes, sizeof(T));
            count = bytes / sizeof(T);
        }
        void *p = model::rt::arena_alloc(model::rt::type_of<T>(), count, false);
        model::rt::g_construct_uninit = !zero;
        {
            model::rt::atomic_section s;
            for (std::size_t i = 0; i < count; i++)
                new (static_cast<T *>(p) + i) T();
        }
        model::rt::g_construct_uninit = false;
        model::rt::log_event(model::rt::event_kind::alloc, fn, model::rt::type_of<T>()->name, p, 0,
                             static_cast<long>(sizeof(T) * count));
        return static_cast<T *>(p);
    }
};

inline model_slab_alloc kmalloc(std::size_t size, gfp_t flags)
{
    return {"kmalloc", size, 0, (flags & __GFP_ZERO) != 0};
}
inline model_slab_alloc kzalloc(std::size_t size, gfp_t)
{
    return {"kzalloc", size, 0, true};
}
inline model_slab_alloc kzalloc_node(std::size_t size, gfp_t, int)
{
    return {"kzalloc_node", size, 0, true};
}
inline model_slab_alloc kcalloc(std::size_t n, std::size_t size, gfp_t)
{
    return {"kcalloc", size, n, true};
}

void model_kfree(const void *objp, const char *expr);
#define kfree(objp) model_kfree((objp), #objp)

// kfree_rcu() marks the object before its grace period ends, so that a second free is caught.
void model_slab_mark_rcu_pending(const void *objp);
