// The KASAN-like heap: an arena with a shadow byte per 8 bytes, allocation records with their
// call chains, a quarantine emptied only when the execution ends, and the checks every access to
// the heap goes through.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {

void *arena_alloc(const type_desc *t, std::size_t count, bool internal)
{
    engine &e = E();
    std::size_t bytes = t->size * count;
    std::size_t off = (e.bump + redzone + 15) & ~std::size_t(15);
    std::size_t end = (off + bytes + 15) & ~std::size_t(15);
    if (end + redzone > arena_bytes || e.nallocs == max_allocs)
        internal_error("the execution's heap is exhausted");
    fp_note(&e.heap, 1, true);
    std::memset(e.shadow + e.bump / 8, shadow_redzone, (off - e.bump) / 8);
    std::memset(e.shadow + off / 8, shadow_ok, (end - off) / 8);
    std::memset(e.shadow + end / 8, shadow_redzone, redzone / 8);
    e.bump = end + redzone;
    std::memset(e.arena + off, 0, end - off);

    for (std::size_t g = off / 16; g < end / 16; g++)
        e.owner[g] = static_cast<std::uint16_t>(e.nallocs);
    std::memset(e.access[e.nallocs], 0, sizeof e.access[e.nallocs]);
    alloc_rec &a = e.allocs[e.nallocs++];
    a.off = off;
    a.bytes = static_cast<std::uint32_t>(bytes);
    a.count = static_cast<std::uint32_t>(count);
    a.type = t;
    a.internal = internal;
    a.state = alloc_state::live;
    a.alloc_task = e.ntasks ? task_index(current_task()) : 0;
    a.alloc_chain = e.ntasks ? chain_now() : call_chain{};
    a.free_task = -1;
    a.free_chain.depth = 0;
    a.rcu_task = -1;
    a.rcu_chain.depth = 0;
    state_read(off);  // the caller learns the address
    return e.arena + off;
}

std::uintptr_t arena_offset(const void *p)
{
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (a - g_arena_base < g_arena_size)
        return a - g_arena_base;
    return UINTPTR_MAX;
}

int alloc_of(std::uintptr_t off)
{
    engine &e = E();
    int lo = 0, hi = e.nallocs;
    while (lo < hi) {  // first allocation that ends after off
        int mid = (lo + hi) / 2;
        const alloc_rec &a = e.allocs[mid];
        if (a.off + a.bytes + redzone <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < e.nallocs && e.allocs[lo].off <= off + redzone)
        return lo;
    return -1;
}

const alloc_rec &alloc_at(int idx)
{
    return E().allocs[idx];
}

void mark_rcu_pending(int idx)
{
    engine &e = E();
    alloc_rec &a = e.allocs[idx];
    a.state = alloc_state::rcu_pending;
    a.rcu_task = task_index(current_task());
    a.rcu_chain = chain_now();
}
int nr_allocs()
{
    return E().nallocs;
}

void arena_free(const void *p, bool rcu_deferred_done, const char *expr)
{
    engine &e = E();
    std::uintptr_t off = arena_offset(p);
    int idx = off == UINTPTR_MAX ? -1 : alloc_of(off);
    if (idx < 0 || e.allocs[idx].off != off || e.allocs[idx].state == alloc_state::freed) {
        finding f = make_finding(finding_kind::kasan, "double-free or invalid-free");
        f.sub = static_cast<std::uint8_t>(idx >= 0 && e.allocs[idx].off == off
                                              ? kasan_bug::double_free
                                              : kasan_bug::invalid_free);
        f.addr = off == UINTPTR_MAX ? reinterpret_cast<std::uintptr_t>(p) : off;
        f.alloc = idx;
        raise(f);
        return;
    }
    alloc_rec &a = e.allocs[idx];
    if (a.state == alloc_state::rcu_pending && !rcu_deferred_done) {
        finding f = make_finding(finding_kind::kasan, "double-free or invalid-free");
        f.sub = static_cast<std::uint8_t>(kasan_bug::double_free);
        f.addr = off;
        f.alloc = idx;
        raise(f);
        return;
    }
    fp_note(e.arena + a.off, a.bytes ? a.bytes : 1, true);
    check_conserved(idx, true);
    check_works(idx);
    a.state = alloc_state::freed;
    a.preempt_only = e.gp_on_cpu;
    a.free_task = task_index(current_task());
    a.free_chain = chain_now();
    std::memset(e.shadow + a.off / 8, shadow_freed, ((a.bytes + 15) & ~15u) / 8);
    log_event(event_kind::free, rcu_deferred_done ? "kfree_rcu callback: kfree" : "kfree",
              *expr ? expr : a.type->name, p, 0, 0);

    // A plain access by another thread that does not happen before this free could have come
    // after it: report it as the use-after-free it is in that schedule.
    rl::thread_info_base &me = *rl::ctx().threadx_;
    for (int th = 0; th < max_tasks; th++) {
        const plain_access &acc = e.access[idx][th];
        if (!acc.ts || th == static_cast<int>(me.index_) || me.acq_rel_order_[th] >= acc.ts)
            continue;
        finding f = make_finding(finding_kind::kasan, "use-after-free");
        f.sub = static_cast<std::uint8_t>(kasan_bug::use_after_free);
        f.race = true;
        f.task = acc.task;
        f.chain = call_chain{};
        f.chain.frame[0] = acc.fn;
        f.chain.depth = 1;
        f.addr = acc.off;
        f.size = acc.size;
        f.is_write = acc.write;
        f.alloc = idx;
        raise(f);
        break;
    }
}

// ---- The conservation oracle ----------------------------------------------------------------

void conserve(const void *counter, peek_fn peek, const char *name)
{
    engine &e = E();
    std::uintptr_t off = arena_offset(counter);
    int idx = off == UINTPTR_MAX ? -1 : alloc_of(off);
    if (idx < 0 || e.allocs[idx].state != alloc_state::live || off < e.allocs[idx].off ||
        off >= e.allocs[idx].off + e.allocs[idx].bytes)
        internal_error("conserve(): the counter is not in a live heap object");
    if (e.nconserved == max_conserved)
        internal_error("more conserved counters than the runtime keeps");
    e.conserved[e.nconserved++] = {counter, peek, name, peek(counter), idx, true};
}

void check_conserved(int idx, bool at_free)
{
    engine &e = E();
    if (e.cut)
        return;  // the execution is being abandoned: nothing it does counts
    for (int i = 0; i < e.nconserved; i++) {
        engine::conserved_counter &c = e.conserved[i];
        if (c.alloc != idx || !c.open)
            continue;
        c.open = false;
        std::int64_t now = c.peek(c.p);
        if (now == c.start || e.ndeferred == max_findings)
            continue;
        const alloc_rec &a = e.allocs[idx];
        finding f = make_finding(finding_kind::leak, c.name);
        f.sub = static_cast<std::uint8_t>(leak_kind::counter);
        f.object = a.type->name;
        f.addr = arena_offset(c.p);
        f.alloc = idx;
        f.value_before = static_cast<std::uint64_t>(c.start);
        f.value_after = static_cast<std::uint64_t>(now);
        f.at_free = at_free;
        if (!at_free) {  // still live at the end: name where the object was set up
            f.task = a.alloc_task;
            f.chain = a.alloc_chain;
        }
        e.deferred[e.ndeferred++] = f;
    }
}

// ---- The completion oracle ------------------------------------------------------------------

namespace {

engine::handed_work *work_entry(const void *w)
{
    engine &e = E();
    for (int i = 0; i < e.nworks; i++)
        if (e.works[i].w == w)
            return &e.works[i];
    return nullptr;
}

race_access here_access()
{
    race_access a;
    a.task = task_index(current_task());
    a.chain = chain_now();
    return a;
}

// A work never completed: the finding, kept for the execution's end. Its call chain is the
// hand-over's.
void defer_never_completed(const engine::handed_work &h, bool at_free)
{
    engine &e = E();
    if (e.ndeferred == max_findings)
        return;
    finding f = make_finding(finding_kind::work, "io-wq work never completed");
    f.sub = static_cast<std::uint8_t>(work_bug::never_completed);
    f.task = h.handed.task;
    f.chain = h.handed.chain;
    f.alloc = h.alloc;
    f.addr = h.alloc >= 0 ? arena_offset(h.w) : 0;
    f.at_free = at_free;
    e.deferred[e.ndeferred++] = f;
}

// A work completed or handed over a second time: a finding now, where it happens, with the
// first time as its other access.
void raise_twice(const engine::handed_work &h, work_bug bug, const race_access &first)
{
    finding f = make_finding(finding_kind::work, bug == work_bug::completed_twice
                                                     ? "io-wq work completed twice"
                                                     : "io-wq work queued twice");
    f.sub = static_cast<std::uint8_t>(bug);
    f.alloc = h.alloc;
    f.addr = h.alloc >= 0 ? arena_offset(h.w) : 0;
    f.other = first;
    raise(f);
}

}  // namespace

void work_handed(const void *work)
{
    engine &e = E();
    if (e.cut)
        return;
    if (engine::handed_work *h = work_entry(work)) {
        if (h->completions == 0) {
            raise_twice(*h, work_bug::queued_twice, h->handed);
            return;
        }
        h->completions = 0;
        h->handed = here_access();
        return;
    }
    if (e.nworks == max_works)
        internal_error("more io-wq work items than the completion oracle keeps");
    std::uintptr_t off = arena_offset(work);
    e.works[e.nworks++] = {work, off == UINTPTR_MAX ? -1 : alloc_of(off), 0, here_access(), {}};
}

void work_completing(const void *work)
{
    engine &e = E();
    if (e.cut)
        return;
    engine::handed_work *h = work_entry(work);
    if (!h)
        return;  // a function called on work io-wq was never handed: not this oracle's
    if (h->completions++ == 0) {
        h->completed = here_access();
        return;
    }
    raise_twice(*h, work_bug::completed_twice, h->completed);
}

void check_works(int idx)
{
    engine &e = E();
    for (int i = 0; i < e.nworks;) {
        engine::handed_work &h = e.works[i];
        if (h.alloc != idx) {
            i++;
            continue;
        }
        if (h.completions == 0 && !e.cut)
            defer_never_completed(h, true);
        h = e.works[--e.nworks];  // the address may hold another work next
    }
}

void report_deferred()
{
    engine &e = E();
    for (int i = 0; i < e.nconserved; i++)
        if (e.conserved[i].open && e.allocs[e.conserved[i].alloc].state == alloc_state::live)
            check_conserved(e.conserved[i].alloc, false);
    for (int i = 0; i < e.nworks; i++)
        if (e.works[i].completions == 0)
            defer_never_completed(e.works[i], false);
    for (int i = 0; i < e.ndeferred; i++) {
        finding f = e.deferred[i];
        judge(f);
        record(f);
    }
}

void note_plain_access(const void *p, std::size_t size, bool write)
{
    engine &e = E();
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (!g_checking || a - g_arena_base >= g_arena_size)
        return;
    std::uintptr_t off = a - g_arena_base;
    int idx = e.owner[off / 16];
    if (idx >= e.nallocs || off < e.allocs[idx].off ||
        off >= e.allocs[idx].off + e.allocs[idx].bytes || e.allocs[idx].state == alloc_state::freed)
        return;
    rl::thread_info_base &me = *rl::ctx().threadx_;
    me.own_acq_rel_order_ += 1;
    plain_access &acc = e.access[idx][me.index_];
    acc.ts = me.own_acq_rel_order_;
    acc.fn = innermost_now();
    acc.task = task_index(current_task());
    acc.off = static_cast<std::uint32_t>(off);
    acc.write = write;
    acc.size = static_cast<std::uint8_t>(size);
}

namespace {

// An access the MMU would fault on: the oops ends the execution.
bool fault(finding_kind k, const char *title, std::uintptr_t a, std::size_t size, bool write)
{
    finding f = make_finding(k, title);
    f.addr = a;
    f.size = static_cast<std::uint32_t>(size);
    f.is_write = write;
    f.fatal = true;
    raise(f);
    return false;
}

}  // namespace

bool check_access_slow(const void *p, std::size_t size, bool write)
{
    engine &e = E();
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (a < 4096)
        return fault(finding_kind::null_deref, "kernel NULL pointer dereference", a, size, write);
    if (a >= poison_pointer_delta)
        return fault(finding_kind::gpf, "general protection fault", a, size, write);
    std::uintptr_t off = a - g_arena_base;
    std::uint8_t bad = shadow_ok;
    std::uintptr_t end = off + (size ? size : 1) - 1;
    for (std::uintptr_t g = off >> 3; g <= end >> 3 && bad == shadow_ok; g++)
        bad = e.shadow[g];
    finding f = make_finding(finding_kind::kasan,
                             bad == shadow_freed ? "use-after-free" : "slab-out-of-bounds");
    f.sub = static_cast<std::uint8_t>(bad == shadow_freed ? kasan_bug::use_after_free
                                                          : kasan_bug::out_of_bounds);
    f.addr = off;
    f.size = static_cast<std::uint32_t>(size);
    f.is_write = write;
    f.alloc = alloc_of(off);
    raise(f);
    return false;
}

}  // namespace model::rt
