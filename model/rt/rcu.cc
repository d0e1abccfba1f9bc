// RCU: readers' sections, call_rcu()/kfree_rcu() callbacks, and the grace period that orders
// every section begun before it ahead of the callbacks it runs.
//
// MODEL: this is preemptible RCU (CONFIG_PREEMPT=y, as syzbot's kernels) after the flavour
// consolidation of 4.20: a grace period waits for rcu_read_lock() sections and for regions with
// preemption or interrupts disabled (a spinlock held or spun for, spin_lock_irq() and
// spin_lock_irqsave() sections, preempt_disable()), as the kernel of 5.6 does. Softirq-disabled
// regions are not modelled (the model has none). Outside such regions a task may be preempted
// and is no reader; a finding that needs that (R11) needs CONFIG_PREEMPT.
//
// With CONFIG_PREEMPT_NONE (config::preempt_none) nothing preempts kernel code: a task holds
// back every grace period from the moment it is on its CPU until it sleeps, passes through user
// mode (a system call returns: rcu_user_mode()) or exits (docs/primitives.md, "Which RCU").
//
// DPOR: entering or leaving a preempt- or irq-off region reads the RCU state (two such regions
// of different tasks commute), and call_rcu() writes it; leaving one that a queued callback
// waits for writes it too, since it may run that callback.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {

void rcu_reader_enter()
{
    fp_note(&E().rcu, 1, true);
    current_task()->rt.rcu_nesting++;
}

bool rcu_reader_active()
{
    return current_task()->rt.rcu_nesting > 0;
}

// Whether a grace period begun now would wait for t: a read-side section, or a region with
// preemption or interrupts off.
static bool holds_back_gp(const task_struct *t)
{
    if (E().cfg.preempt_none)
        return t->rt.on_cpu;
    return t->rt.rcu_nesting > 0 || t->rt.preempt_off > 0 || t->rt.irqs_off > 0;
}

bool config_preempt_none()
{
    return E().cfg.preempt_none;
}

// Whether a queued callback waits for t.
static bool waited_for(const task_struct *t)
{
    engine &e = E();
    std::uint64_t bit = std::uint64_t(1) << t->rt.index;
    for (int i = 0; i < e.ncbs; i++)
        if (e.cbs[i].waiting_for & bit)
            return true;
    return false;
}

// Readers release into rcu_gp when they leave; a callback acquires from it before it runs, so
// everything a reader did in its section happens before the callback (the grace period's
// memory-ordering guarantee).
void rcu_gp_acquire()
{
    atomic_section s;
    (void)E().rcu_gp->load(rl::mo_seq_cst, here());
}

// While a callback runs, the frees it makes record which tasks its grace period passed on their
// CPU (engine::gp_on_cpu); restored however the callback ends.
namespace {
struct gp_scope {
    std::uint64_t outer;
    explicit gp_scope(std::uint64_t on_cpu) : outer(E().gp_on_cpu) { E().gp_on_cpu = on_cpu; }
    ~gp_scope() { E().gp_on_cpu = outer; }
    gp_scope(const gp_scope &) = delete;
    gp_scope &operator=(const gp_scope &) = delete;
};
}  // namespace

void run_callbacks()
{
    engine &e = E();
    rcu_gp_acquire();
    // Callbacks run in the order they were queued, once no reader they wait for is left. A
    // callback may queue another; it is appended past i and visited by this same loop.
    int kept = 0;
    for (int i = 0; i < e.ncbs; i++) {
        rcu_cb cb = e.cbs[i];
        if (cb.waiting_for) {
            e.cbs[kept++] = cb;
            continue;
        }
        MODEL_FRAME_NAMED("rcu_do_batch");
        gp_scope scope(cb.on_cpu);
        cb.func(cb.arg);
    }
    e.ncbs = kept;
}

// t has left the last region that held back grace periods: the callbacks that waited for it
// wait for it no more, and those that waited for it alone run.
static void rcu_quiescent(task_struct *t)
{
    engine &e = E();
    {
        atomic_section s;
        e.rcu_gp->fetch_add(1, rl::mo_seq_cst, here());
    }
    std::uint64_t bit = std::uint64_t(1) << t->rt.index;
    bool ready = false;
    for (int i = 0; i < e.ncbs; i++) {
        if (e.cbs[i].waiting_for & bit) {
            e.cbs[i].waiting_for &= ~bit;
            ready |= !e.cbs[i].waiting_for;
        }
    }
    if (ready)
        run_callbacks();
}

void rcu_reader_exit()
{
    engine &e = E();
    task_struct *t = current_task();
    fp_note(&e.rcu, 1, true);
    if (--t->rt.rcu_nesting || holds_back_gp(t))
        return;
    rcu_quiescent(t);
}

void rcu_atomic_region_enter()
{
    fp_note(&E().rcu, 1, false);
}

// Like a reader's section, the region releases into rcu_gp when it ends: what it did happens
// before any callback that runs later, whether or not one waited for it.
void rcu_atomic_region_exit()
{
    engine &e = E();
    task_struct *t = current_task();
    if (holds_back_gp(t)) {
        fp_note(&e.rcu, 1, false);
        return;
    }
    fp_note(&e.rcu, 1, waited_for(t));
    rcu_quiescent(t);
}

// CONFIG_PREEMPT_NONE: the callbacks that wait for t need wait no more (it sleeps, exits or is in
// user mode); a reader again when it next runs kernel code.
void rcu_off_cpu(task_struct *t)
{
    engine &e = E();
    t->rt.on_cpu = false;
    // Either way, the callbacks no longer count t as a task a grace period passed on its CPU.
    std::uint64_t bit = std::uint64_t(1) << t->rt.index;
    for (int i = 0; i < e.ncbs; i++)
        e.cbs[i].on_cpu &= ~bit;
    if (!e.cfg.preempt_none)
        return;
    fp_note(&E().rcu, 1, waited_for(t));
    rcu_quiescent(t);
}

void rcu_on_cpu(task_struct *t)
{
    t->rt.on_cpu = true;
    if (E().cfg.preempt_none)
        fp_note(&E().rcu, 1, false);
}

void rcu_user_mode()
{
    if (!E().cfg.preempt_none || E().special)
        return;
    task_struct *t = current_task();
    fp_note(&E().rcu, 1, waited_for(t));
    rcu_quiescent(t);
}

void rcu_queue(void (*func)(void *), void *arg)
{
    engine &e = E();
    fp_note(&e.rcu, 1, true);
    {
        // What the caller did before call_rcu() happens before the callback.
        atomic_section s;
        e.rcu_gp->fetch_add(1, rl::mo_seq_cst, here());
    }
    std::uint64_t readers = 0, on_cpu = 0;
    for (int i = 0; i < e.ntasks; i++) {
        const task_struct *t = e.tasks[i];
        if (holds_back_gp(t))
            readers |= std::uint64_t(1) << i;
        else if (t->rt.on_cpu && !t->rt.finished)
            on_cpu |= std::uint64_t(1) << i;
    }
    if (!readers) {
        // No reader exists that could still hold a reference: the grace period may end at
        // once, and the earliest end finds every use-after-free a later one would.
        rcu_gp_acquire();
        MODEL_FRAME_NAMED("rcu_do_batch");
        gp_scope scope(on_cpu);
        func(arg);
        return;
    }
    if (e.ncbs == max_rcu_callbacks)
        internal_error("too many RCU callbacks");
    e.cbs[e.ncbs++] = rcu_cb{func, arg, readers, task_index(current_task()), on_cpu};
}

}  // namespace model::rt
