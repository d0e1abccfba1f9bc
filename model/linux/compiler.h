// Stand-in for include/linux/compiler.h: how the model's structs hold shared data.
//
// The kernel declares its fields as plain C types and chooses, at each access, a plain access
// or a marked one (READ_ONCE, WRITE_ONCE, rcu_dereference, atomic ops). The model makes that
// choice per field, because Relacy needs to know it:
//
//   model_var<T>     a plain field. Every access is checked against the KASAN shadow and for a
//                    data race (two accesses not ordered by happens-before, one a write). No
//                    access is a scheduling point: data the kernel only touches under a lock
//                    cannot be interleaved with by anyone who respects that lock, and a task
//                    that does not respect it is reported as a race. For the same reason a
//                    kfree() counts as a write to the whole object: an access the free is
//                    not ordered after is a use-after-free in some schedule (slab.h).
//   model_shared<T>  a field other tasks read or write concurrently through marked accesses.
//                    Every access is a scheduling point and sequentially consistent.
//
// Both behave like the C value they hold (conversion, assignment, compound assignment), so
// model code reads like the kernel's: `worker->flags |= IO_WORKER_F_FREE;`.
#pragma once

#include <cstddef>
#include <type_traits>

#include "model/rt/rt.h"

namespace model::rt {
// Set while kmalloc (not kzalloc) constructs an object: its plain fields start uninitialised,
// so that a read before the first write is reported as KMSAN would.
extern bool g_construct_uninit;
[[noreturn]] void data_race_or_uninit(const void *p, std::size_t size, bool write, bool uninit);
rl::debug_info here();
}  // namespace model::rt

template <class T>
class model_var {
    static_assert(std::is_trivially_copyable_v<T>, "model_var holds C values");

public:
    model_var() : value_(), init_(!model::rt::g_construct_uninit), data_(rl::ctx().var_ctor())
    {
        if (init_)
            data_->init(*rl::ctx().threadx_);
    }
    ~model_var() { rl::ctx().var_dtor(data_); }
    model_var(const model_var &) = delete;

    T load() const
    {
        model::rt::check_access(&value_, sizeof(T), false);
        model::rt::note_plain_access(&value_, sizeof(T), false);
        if (!init_ || !data_->load(*rl::ctx().threadx_))
            model::rt::data_race_or_uninit(&value_, sizeof(T), false, !init_);
        return value_;
    }
    void store(T v)
    {
        model::rt::check_access(&value_, sizeof(T), true);
        model::rt::note_plain_access(&value_, sizeof(T), true);
        if (!init_) {
            init_ = true;
            data_->init(*rl::ctx().threadx_);
        } else if (!data_->store(*rl::ctx().threadx_)) {
            model::rt::data_race_or_uninit(&value_, sizeof(T), true, false);
        }
        value_ = v;
    }
    // A read the kernel does without the lock that orders it. The model keeps the KASAN check
    // and skips the race check; every use carries a MODEL: comment saying why that is sound.
    T racy_load() const
    {
        model::rt::check_access(&value_, sizeof(T), false);
        model::rt::note_plain_access(&value_, sizeof(T), false);
        return value_;
    }

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
    model_var &operator|=(T v) { return *this = static_cast<T>(load() | v); }
    model_var &operator&=(T v) { return *this = static_cast<T>(load() & v); }
    model_var &operator^=(T v) { return *this = static_cast<T>(load() ^ v); }
    model_var &operator+=(T v) { return *this = static_cast<T>(load() + v); }
    model_var &operator-=(T v) { return *this = static_cast<T>(load() - v); }
    model_var &operator++() { return *this = static_cast<T>(load() + 1); }
    model_var &operator--() { return *this = static_cast<T>(load() - 1); }
    T operator++(int)
    {
        T v = load();
        store(static_cast<T>(v + 1));
        return v;
    }
    T operator--(int)
    {
        T v = load();
        store(static_cast<T>(v - 1));
        return v;
    }

private:
    T value_;
    bool init_;
    rl::var_data *data_;
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
    }
    model_shared(const model_shared &) = delete;
    model_shared &operator=(const model_shared &) = delete;

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
        return a_.load(rl::mo_seq_cst, model::rt::here());
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
        a_.store(f(old), rl::mo_seq_cst, model::rt::here());
        return old;
    }

    operator T() const { return load(); }

private:
    rl::atomic<T> a_;
};

#define READ_ONCE(x) ((x).load())
#define WRITE_ONCE(x, val) ((x).store(val))

// The kernel's sparse annotations: documentation only.
#define __acquire(x) ((void)0)
#define __release(x) ((void)0)

#define likely(x) (x)
#define unlikely(x) (x)

#define container_of(ptr, type, member)                                                            \
    (reinterpret_cast<type *>(reinterpret_cast<char *>(ptr) - offsetof(type, member)))
