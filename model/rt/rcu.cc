// RCU: readers' sections, call_rcu()/kfree_rcu() callbacks, and the grace period that orders
// every section begun before it ahead of the callbacks it runs.
//
// MODEL: this is preemptible RCU (CONFIG_PREEMPT=y, as syzbot's kernels), and only
// rcu_read_lock() sections hold back a grace period. Since 5.0 the kernel's grace period also
// waits for regions with preemption or interrupts disabled (spin_lock_irq() sections, for one),
// which the model does not count as readers: a use-after-free whose reader is only inside such
// a region is reported here although the kernel would wait for it (docs/primitives.md, "Which
// RCU"). A finding that needs a task preempted outside any reader (R11) needs CONFIG_PREEMPT.
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

// Readers release into rcu_gp when they leave; a callback acquires from it before it runs, so
// everything a reader did in its section happens before the callback (the grace period's
// memory-ordering guarantee).
void rcu_gp_acquire()
{
    atomic_section s;
    (void)E().rcu_gp->load(rl::mo_seq_cst, here());
}

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
        cb.func(cb.arg);
    }
    e.ncbs = kept;
}

void rcu_reader_exit()
{
    engine &e = E();
    task_struct *t = current_task();
    fp_note(&e.rcu, 1, true);
    if (--t->rt.rcu_nesting)
        return;
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

void rcu_queue(void (*func)(void *), void *arg)
{
    engine &e = E();
    fp_note(&e.rcu, 1, true);
    {
        // What the caller did before call_rcu() happens before the callback.
        atomic_section s;
        e.rcu_gp->fetch_add(1, rl::mo_seq_cst, here());
    }
    std::uint64_t readers = 0;
    for (int i = 0; i < e.ntasks; i++)
        if (e.tasks[i]->rt.rcu_nesting > 0)
            readers |= std::uint64_t(1) << i;
    if (!readers) {
        // No reader exists that could still hold a reference: the grace period may end at
        // once, and the earliest end finds every use-after-free a later one would.
        rcu_gp_acquire();
        MODEL_FRAME_NAMED("rcu_do_batch");
        func(arg);
        return;
    }
    if (e.ncbs == max_rcu_callbacks)
        internal_error("too many RCU callbacks");
    e.cbs[e.ncbs++] = rcu_cb{func, arg, readers, task_index(current_task())};
}

}  // namespace model::rt
