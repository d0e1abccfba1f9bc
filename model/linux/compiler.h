// Stand-in for include/linux/compiler.h: how the model's structs hold shared data.
//
// The kernel declares its fields as plain C types and chooses, at each access, a plain access
// or a marked one (READ_ONCE, WRITE_ONCE, rcu_dereference, atomic ops). The model makes that
// choice per field, because the search needs to know it:
//
//   model_var<T>     a plain field, with C's semantics. Every access is checked against the
//                    KASAN shadow and for a data race (two accesses not ordered by
//                    happens-before, one a write), which is reported as KCSAN does and then
//                    followed: the execution goes on with the values the schedule produced.
//                    A plain read or write is not a scheduling point: data the kernel only
//                    touches under a lock cannot be interleaved with by anyone who respects
//                    that lock, and a task that does not respect it is reported as a race. A
//                    plain read-modify-write (`flags |= F`, `n++`) is a read and a later
//                    write, with a scheduling point between them, so that another task's
//                    write can land in between and be lost (docs/primitives.md says where
//                    these points are and why no others are needed). For the same reason a
//                    kfree() counts as a write to the whole object: an access the free is not
//                    ordered after is a use-after-free in some schedule (slab.h).
//   model_shared<T>  a field other tasks read or write concurrently through marked accesses.
//                    Every access is a scheduling point and sequentially consistent.
//
// LIMITATIONS: a plain access is never torn, and the compiler's freedom to fuse, repeat or
// invent plain accesses is not modelled; a lost update is the one consequence of a data race
// the model shows beyond the report itself.
//
// Both behave like the C value they hold (conversion, assignment, compound assignment), so
// model code reads like the kernel's: `worker->flags |= IO_WORKER_F_FREE;`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "model/rt/rt.h"

namespace model::rt {
// Set while kmalloc (not kzalloc) constructs an object: its plain fields start uninitialised,
// so that a read before the first write is reported as KMSAN would.
extern bool g_construct_uninit;
[[noreturn]] void uninit_read(const void *p, std::size_t size);
rl::debug_info here();

template <class T>
std::uint64_t plain_bits(const T &v)
{
    std::uint64_t b = 0;
    std::memcpy(&b, &v, sizeof(T) < sizeof b ? sizeof(T) : sizeof b);
    return b;
}
}  // namespace model::rt

template <class T>
class model_var {
    static_assert(std::is_trivially_copyable_v<T>, "model_var holds C values");

public:
    model_var()
        : value_(), init_(!model::rt::g_construct_uninit), state_(model::rt::plain_new(init_))
    {
        if (model::rt::state_on())
            model::rt::state_cell_add_slow(this, this, &peek_cell);
    }
    model_var(const model_var &) = delete;
    // A field on a task's stack goes: its cell leaves the state's memory (rt.h).
    ~model_var()
    {
        if (model::rt::state_on())
            model::rt::state_cell_remove_slow(this);
    }

    T load() const { return load_as(model::rt::access_op::read); }
    void store(T v) { store_as(v, model::rt::access_op::write); }
    // A read the kernel does without the lock that orders it. The model keeps the KASAN check
    // and skips the race check; every use carries a MODEL: comment saying why that is sound.
    T racy_load() const
    {
        model::rt::check_access(&value_, sizeof(T), false);
        model::rt::note_plain_access(&value_, sizeof(T), false);
        model::rt::state_read(model::rt::plain_bits(value_));
        return value_;
    }
    // The value, for the checker's oracles only (model_conserve()): no access at all.
    T model_peek() const { return value_; }

    operator T() const { return load(); }
    model_var &operator=(T v)
    {
        store(v);
        return *this;
    }
    model_var &operator=(const model_var &o)
    {
        store(o.load());
        return *this;
    }
    T operator->() const requires std::is_pointer_v<T> { return load(); }
    decltype(auto) operator[](std::size_t i) const requires std::is_pointer_v<T>
    {
        return load()[i];
    }
    model_var &operator|=(T v)
    {
        rmw([v](T x) { return static_cast<T>(x | v); });
        return *this;
    }
    model_var &operator&=(T v)
    {
        rmw([v](T x) { return static_cast<T>(x & v); });
        return *this;
    }
    model_var &operator^=(T v)
    {
        rmw([v](T x) { return static_cast<T>(x ^ v); });
        return *this;
    }
    model_var &operator+=(T v)
    {
        rmw([v](T x) { return static_cast<T>(x + v); });
        return *this;
    }
    model_var &operator-=(T v)
    {
        rmw([v](T x) { return static_cast<T>(x - v); });
        return *this;
    }
    model_var &operator++()
    {
        rmw([](T x) { return static_cast<T>(x + 1); });
        return *this;
    }
    model_var &operator--()
    {
        rmw([](T x) { return static_cast<T>(x - 1); });
        return *this;
    }
    T operator++(int)
    {
        return rmw([](T x) { return static_cast<T>(x + 1); });
    }
    T operator--(int)
    {
        return rmw([](T x) { return static_cast<T>(x - 1); });
    }

private:
    T load_as(model::rt::access_op op) const
    {
        model::rt::check_access(&value_, sizeof(T), false);
        model::rt::note_plain_access(&value_, sizeof(T), false);
        if (!init_)
            model::rt::uninit_read(&value_, sizeof(T));
        std::uint64_t b = model::rt::plain_bits(value_);
        model::rt::plain_check(state_, &value_, sizeof(T), false, op, b, b);
        model::rt::state_read(b);
        return value_;
    }
    void store_as(T v, model::rt::access_op op)
    {
        model::rt::check_access(&value_, sizeof(T), true);
        model::rt::note_plain_access(&value_, sizeof(T), true);
        std::uint64_t before = init_ ? model::rt::plain_bits(value_) : 0;
        init_ = true;
        value_ = v;
        model::rt::plain_check(state_, &value_, sizeof(T), true, op, before,
                               model::rt::plain_bits(v));
    }
    // C's `x op= v`: a read, a scheduling point, a write. A write another task made in between
    // is overwritten: a lost update, marked in the schedule. Returns the value read.
    template <class F>
    T rmw(F f)
    {
        T seen = load_as(model::rt::access_op::read_write);
        model::rt::plain_rmw_point();
        if (model::rt::plain_bits(value_) != model::rt::plain_bits(seen))
            model::rt::plain_lost_update(&value_, model::rt::plain_bits(value_),
                                         model::rt::plain_bits(f(seen)));
        store_as(f(seen), model::rt::access_op::read_write);
        return seen;
    }

    // The field's part of the state's memory (rt.h): its value, or a mark while it is
    // uninitialised.
    static std::uint64_t peek_cell(const void *self)
    {
        const model_var &v = *static_cast<const model_var *>(self);
        return v.init_ ? model::rt::plain_bits(v.value_) : 0xa5a5a5a5a5a5a5a5ull;
    }

    T value_;
    bool init_;
    model::rt::plain_state *state_;
};

template <class T>
class model_shared {
    static_assert(std::is_trivially_copyable_v<T>, "model_shared holds C values");

public:
    // Initialised without a scheduling point: nobody else can see a field being constructed.
    model_shared()
    {
        model::rt::atomic_section s;
        a_.store(T(), rl::mo_seq_cst, model::rt::here());
        if (model::rt::state_on())
            model::rt::state_cell_add_slow(this, this, &peek_cell, &peek_hb);
    }
    model_shared(const model_shared &) = delete;
    model_shared &operator=(const model_shared &) = delete;
    ~model_shared()
    {
        if (model::rt::state_on())
            model::rt::state_cell_remove_slow(this);
    }

    T load() const
    {
        model::rt::sched_point();
        model::rt::atomic_section s;
        return load_locked();
    }
    void store(T v)
    {
        model::rt::sched_point();
        model::rt::atomic_section s;
        store_locked(v);
    }
    template <class F>
    T update(F f)  // one read-modify-write step: returns the old value
    {
        model::rt::sched_point();
        model::rt::atomic_section s;
        return update_locked(f);
    }

    // The same, for code already inside an atomic_section (one visible step made of several
    // operations, like refcount_inc_not_zero's compare-and-exchange loop).
    T load_locked() const
    {
        model::rt::check_access(this, sizeof(T), false);
        T v = a_.load(rl::mo_seq_cst, model::rt::here());
        model::rt::state_read(model::rt::plain_bits(v));
        return v;
    }
    void store_locked(T v)
    {
        model::rt::check_access(this, sizeof(T), true);
        a_.store(v, rl::mo_seq_cst, model::rt::here());
    }
    // A read-modify-write, which KASAN checks once, as a write.
    template <class F>
    T update_locked(F f)
    {
        model::rt::check_access(this, sizeof(T), true);
        T old = a_.load(rl::mo_seq_cst, model::rt::here());
        model::rt::state_read(model::rt::plain_bits(old));
        a_.store(f(old), rl::mo_seq_cst, model::rt::here());
        return old;
    }

    operator T() const { return load(); }
    // The value, for the checker's oracles only (model_conserve()): no access at all. Every
    // access is sequentially consistent, so the last value stored (Relacy's debug_value()) is
    // the value.
    T model_peek() const { return a_.debug_value(); }

private:
    // The field's part of the state's memory (rt.h).
    static std::uint64_t peek_cell(const void *self)
    {
        return model::rt::plain_bits(static_cast<const model_shared *>(self)->a_.debug_value());
    }
    // The clock its last store carries (rt.h, state_hb_hash()).
    static std::uint64_t peek_hb(const void *self)
    {
        return model::rt::state_atomic_hb_of(static_cast<const model_shared *>(self)->a_);
    }

    rl::atomic<T> a_;
};

// MODEL: the conservation oracle, not kernel code (model/rt/rt.h, conserve()): the counter `c`
// must be back at its present value when its object is freed. Registered where the kernel
// sets the object up; the kernel itself checks nothing of the kind.
template <class C>
void model_conserve(const C *c, const char *name)
{
    model::rt::conserve(
        c,
        [](const void *p) {
            return static_cast<std::int64_t>(static_cast<const C *>(p)->model_peek());
        },
        name);
}

// MODEL: the completion oracle, not kernel code (model/rt/rt.h, work_handed()): io-wq was
// handed `work` and must complete it exactly once; its function is about to complete `work`.
inline void model_work_handed(const void *work)
{
    model::rt::work_handed(work);
}
inline void model_work_completing(const void *work)
{
    model::rt::work_completing(work);
}

#define READ_ONCE(x) ((x).load())
#define WRITE_ONCE(x, val) ((x).store(val))

// The kernel's sparse annotations: documentation only.
#define __acquire(x) ((void)0)
#define __release(x) ((void)0)

#define likely(x) (x)
#define unlikely(x) (x)

#define container_of(ptr, type, member)                                                            \
    (reinterpret_cast<type *>(reinterpret_cast<char *>(ptr) - offsetof(type, member)))
