// State fingerprints (rt.h): the Zobrist sum over the registered cells of memory, each task's
// history, and the walk of the runtime's own state. Only a search that measures repeated
// states turns them on.
#include <cstdlib>

#include "model/linux/kthread.h"
#include "model/linux/sched.h"
#include "model/rt/engine.h"

// The happens-before hash reads only the clocks these options would leave out of it (rt.h).
#if defined(RL_IMPROVED_SEQ_CST_FENCE) || defined(RL_IMPROVED_SEQ_CST_RMW)
#error "state_hb_hash() does not read the clocks of Relacy's improved seq_cst options"
#endif

namespace model::rt {

bool g_state_on = false;
unsigned g_state_omit = 0;

namespace {

// The registered cells: a dense array (the walk reads it whole) and no index (a removal looks
// from the end: the cells that go during an execution are locals of the innermost frames).
struct cell {
    const void *key, *obj;
    state_peek peek, hb;
};
cell *g_cells = nullptr;
std::size_t g_ncells = 0, g_cap = 0;
std::uint64_t g_obs[max_rl_threads] = {};

// One cell's part of the sum: nothing for a zero (a cell as kzalloc leaves it), else a hash of
// the address and the value. A sum (xor) of parts does not depend on the cells' order.
std::uint64_t cell_part(const void *key, std::uint64_t v)
{
    if (!v)
        return 0;
    return state_mix(state_mix(0x5bd1e9955bd1e995ull, reinterpret_cast<std::uintptr_t>(key)), v);
}

std::uint64_t walk_memory()
{
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < g_ncells; i++)
        h ^= cell_part(g_cells[i].key, g_cells[i].peek(g_cells[i].obj));
    // The tasks' own words: their run states, references, and a kthread's exit code.
    engine &e = E();
    for (int i = 0; i < e.ntasks; i++) {
        const task_struct *t = e.tasks[i];
        h ^= cell_part(&t->state, static_cast<std::uint64_t>(t->state.debug_value()));
        h ^= cell_part(&t->usage, static_cast<std::uint64_t>(t->usage.debug_value()));
        if (t->model_kthread)
            h ^= cell_part(&t->model_kthread->result,
                           static_cast<std::uint32_t>(t->model_kthread->result));
    }
    return h;
}

std::uint64_t walk_runtime()
{
    engine &e = E();
    std::uint64_t h = state_mix(0, static_cast<std::uint64_t>(e.ntasks));
    for (int i = 0; i < e.ntasks; i++) {
        const task_struct *t = e.tasks[i];
        const task_rt &r = t->rt;
        h = state_mix(h, static_cast<std::uint64_t>(r.rl_thread + 1));
        h = state_mix(h, (std::uint64_t(r.started) << 0) | (std::uint64_t(r.finished) << 1) |
                             (std::uint64_t(r.parked) << 2) | (std::uint64_t(r.timer_armed) << 4) |
                             (std::uint64_t(r.timer_fired) << 5) |
                             (std::uint64_t(r.woken_while_running) << 6) |
                             (std::uint64_t(r.on_cpu) << 7));
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(r.wait_reason));
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(r.wait_obj));
        h = state_mix(h, static_cast<std::uint64_t>(r.timeouts_left));
        h = state_mix(h, static_cast<std::uint64_t>(r.rcu_nesting));
        h = state_mix(h, static_cast<std::uint64_t>(r.irqs_off));
        h = state_mix(h, static_cast<std::uint64_t>(r.preempt_off));
        h = state_mix(h, static_cast<std::uint64_t>(r.nr_held));
        for (int j = 0; j < r.nr_held && j < max_held_locks; j++)
            h = state_mix(h, reinterpret_cast<std::uintptr_t>(r.held[j]));
        // The call chain is a function of the task's history; it costs little and catches a
        // history hash that missed something.
        h = state_mix(h, static_cast<std::uint64_t>(r.chain.depth));
        for (int j = 0; j < r.chain.depth && j < max_depth; j++)
            h = state_mix(h, reinterpret_cast<std::uintptr_t>(r.chain.frame[j]));
        // The kernel's fields only the task itself (or setup) writes.
        h = state_mix(h, t->flags);
        h = state_mix(h, t->allowed);
    }
    h = state_mix(h, static_cast<std::uint64_t>(e.nallocs));
    for (int i = 0; i < e.nallocs; i++)
        h = state_mix(h, static_cast<std::uint64_t>(e.allocs[i].state));
    h = state_mix(h, static_cast<std::uint64_t>(e.ncbs));
    for (int i = 0; i < e.ncbs; i++) {
        const rcu_cb &c = e.cbs[i];
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(c.func));
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(c.arg));
        h = state_mix(h, c.waiting_for);
        h = state_mix(h, static_cast<std::uint64_t>(c.queued_by));
        h = state_mix(h, c.on_cpu);
    }
    h = state_mix(h, e.gp_on_cpu);
    h = state_mix(h, static_cast<std::uint64_t>(e.nkthreads));
    h = state_mix(h, static_cast<std::uint64_t>(e.faults_left));
    h = state_mix(h, static_cast<std::uint64_t>(e.nr_live));
    h = state_mix(h, static_cast<std::uint64_t>(e.nr_parked));
    h = state_mix(h, static_cast<std::uint64_t>(g_window));
    // The oracles' bookkeeping: which works are pending, which counters are open, which
    // WARN_ON_ONCE sites have fired (each changes what a later step reports).
    h = state_mix(h, static_cast<std::uint64_t>(e.nworks));
    for (int i = 0; i < e.nworks; i++) {
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(e.works[i].w));
        h = state_mix(h, static_cast<std::uint64_t>(e.works[i].completions));
    }
    h = state_mix(h, static_cast<std::uint64_t>(e.nconserved));
    for (int i = 0; i < e.nconserved; i++)
        h = state_mix(h, static_cast<std::uint64_t>(e.conserved[i].open));
    h = state_mix(h, static_cast<std::uint64_t>(e.nwarned));
    for (int i = 0; i < e.nwarned; i++)
        h = state_mix(h, reinterpret_cast<std::uintptr_t>(e.warned[i]));
    return h;
}

// Relacy keeps an atomic's clocks in its atomic_data, behind the private member impl_ of
// rl::generic_atomic. The names in an explicit instantiation are not access-checked (C++,
// [temp.explicit]): rob<> hands out a pointer to it, one for each size of value the model's
// atomics hold (the member's place depends only on the value's size and alignment: every
// value the model keeps in an atomic is aligned to its size, which model_shared checks).
template <class Tag, typename Tag::type M>
struct rob {
    friend typename Tag::type impl_member(Tag) { return M; }
};
// The friend is meant to be a plain function, one for each tag, that rob<> defines.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-template-friend"
template <class U>
struct impl_tag {
    using type = rl::atomic_data *rl::generic_atomic<U, false>::*;
    friend type impl_member(impl_tag);
};
#pragma GCC diagnostic pop
template struct rob<impl_tag<std::uint8_t>, &rl::generic_atomic<std::uint8_t, false>::impl_>;
template struct rob<impl_tag<std::uint16_t>, &rl::generic_atomic<std::uint16_t, false>::impl_>;
template struct rob<impl_tag<std::uint32_t>, &rl::generic_atomic<std::uint32_t, false>::impl_>;
template struct rob<impl_tag<std::uint64_t>, &rl::generic_atomic<std::uint64_t, false>::impl_>;

template <class U>
std::uint64_t record_of(const void *a)
{
    const auto *g = static_cast<const rl::generic_atomic<U, false> *>(a);
    return g_atomic_record_hb(g->*impl_member(impl_tag<U>()));
}

std::uint64_t clock_hb(const rl::thread_info_base &ti, int n)
{
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int j = 0; j < n; j++)
        h = state_mix(h, ti.acq_rel_order_[j]);
    return h;
}

}  // namespace

std::uint64_t (*g_atomic_record_hb)(const void *data) = nullptr;

std::uint64_t state_atomic_hb(const void *a, std::size_t size)
{
    if (!g_atomic_record_hb)
        internal_error("an atomic's clock read with no search to read it");
    switch (size) {
    case 1:
        return record_of<std::uint8_t>(a);
    case 2:
        return record_of<std::uint16_t>(a);
    case 4:
        return record_of<std::uint32_t>(a);
    case 8:
        return record_of<std::uint64_t>(a);
    }
    internal_error("an atomic of a size the state's clocks do not read");
}

void state_kthread_started(const task_struct *k)
{
    E().start_hb[k->rt.index] = clock_hb(*rl::ctx().threadx_, E().nthreads);
}

std::uint64_t state_hb_hash()
{
    engine &e = E();
    if (!e.active)
        return 0;
    std::uint64_t h = 0x165667b19e3779f9ull;
    for (int t = 0; t < e.nthreads; t++) {
        const rl::thread_info_base *ti = e.rl_info[t];
        h = state_mix(h, ti ? clock_hb(*ti, e.nthreads) : 0);
    }
    // The atomics' clocks: a sum over cells, like the memory's (their order is no part of the
    // state).
    std::uint64_t atomics = 0;
    for (std::size_t i = 0; i < g_ncells && !(g_state_omit & 8); i++)
        if (g_cells[i].hb)
            atomics ^= cell_part(g_cells[i].key, g_cells[i].hb(g_cells[i].obj));
    for (int i = 0; i < e.ntasks && !(g_state_omit & 8); i++) {
        const task_struct *t = e.tasks[i];
        atomics ^= cell_part(&t->state, state_atomic_hb_of(t->state));
        atomics ^= cell_part(&t->usage, state_atomic_hb_of(t->usage));
        if (t->model_kthread)
            atomics ^= cell_part(&e.start_hb[i], e.start_hb[i]);
    }
    if (e.rcu_gp && !(g_state_omit & 8))
        atomics ^= cell_part(e.rcu_gp, state_atomic_hb_of(*e.rcu_gp));
    h = state_mix(h, atomics);
    for (int i = 0; i < e.nplain; i++) {
        const plain_state &s = e.plain_pool[i];
        for (int t = 0; t < e.nthreads; t++)
            h = state_mix(h, (std::uint64_t(s.load_ts[t]) << 32) | s.store_ts[t]);
    }
    for (int a = 0; a < e.nallocs; a++)
        for (int t = 0; t < e.nthreads; t++)
            h = state_mix(h, e.access[a][t].ts);
    return h;
}

void state_reset()
{
    g_ncells = 0;
    for (std::uint64_t &o : g_obs)
        o = 0;
}

void state_cell_add_slow(const void *key, const void *obj, state_peek peek, state_peek hb)
{
    if (g_ncells == g_cap) {
        std::size_t cap = g_cap ? 2 * g_cap : 4096;
        auto *n = static_cast<cell *>(std::realloc(g_cells, cap * sizeof(cell)));
        if (!n)
            internal_error("cannot allocate the state fingerprint's cells");
        g_cells = n;
        g_cap = cap;
    }
    g_cells[g_ncells++] = cell{key, obj, peek, hb};
}

void state_cell_remove_slow(const void *key)
{
    // The end of an execution destroys every object (destroy_all()): the next one starts
    // afresh anyway.
    if (!g_checking)
        return;
    for (std::size_t i = g_ncells; i > 0; i--)
        if (g_cells[i - 1].key == key) {
            g_cells[i - 1] = g_cells[--g_ncells];
            return;
        }
}

void state_read_slow(std::uint64_t v)
{
    std::uint64_t &o = g_obs[rl::ctx().threadx_->index_];
    o = state_mix(o, v);
}

std::uint64_t state_fingerprint()
{
    std::uint64_t h = 0x27d4eb2f165667c5ull;
    // Before begin_execution() (a search's first decision, in a scenario without a prologue):
    // every execution starts from the same state, and the engine still holds the last one's.
    if (!E().active)
        return h;
    if (!(g_state_omit & 1))
        for (int i = 0; i < E().nthreads; i++)
            h = state_mix(h, g_obs[i]);
    if (!(g_state_omit & 2))
        h = state_mix(h, walk_memory());
    if (!(g_state_omit & 4))
        h = state_mix(h, walk_runtime());
    return h;
}

}  // namespace model::rt
