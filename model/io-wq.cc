// fs/io-wq.c as of 24369c2e3bb0 ("io_uring: add io-wq workqueue sharing"), function by
// function in the kernel's order, with the upstream fixes as run-time switches.
//
// Markers: MODEL: where the model differs from the kernel and why that is sound for lifecycle
// properties; FIX(<commit>): a site an upstream fix changes; WHATIF(<name>): a deliberate
// non-kernel variant. docs/model-mapping.md lists them all. MUTANT(<name>) marks a deliberate
// break for the mutation test only (model/mutants.h): the constant false in this build.
#include "model/io-wq.h"

#include "model/fixes.h"
#include "model/linux/bug.h"
#include "model/linux/capability.h"
#include "model/linux/hash.h"
#include "model/linux/kthread.h"
#include "model/linux/nodemask.h"
#include "model/linux/rcupdate.h"
#include "model/linux/slab.h"
#include "model/mutants.h"

// ---- fs/io-wq.h's list helpers ----------------------------------------------------------------

void wq_list_add_tail(struct io_wq_work_node *node, struct io_wq_work_list *list)
{
    MODEL_FRAME();
    if (!list->first.load()) {
        list->last = node;
        WRITE_ONCE(list->first, node);
    } else {
        struct io_wq_work_node *last = list->last;
        last->next = node;
        list->last = node;
    }
}

void wq_node_del(struct io_wq_work_list *list, struct io_wq_work_node *node,
                 struct io_wq_work_node *prev)
{
    MODEL_FRAME();
    if (node == list->first.load())
        WRITE_ONCE(list->first, node->next);
    if (node == list->last)
        list->last = prev;
    if (prev)
        prev->next = node->next;
    node->next = nullptr;
}

// ---- fs/io-wq.c -------------------------------------------------------------------------------

static bool io_worker_get(struct io_worker *worker)
{
    MODEL_FRAME();
    if (MUTANT(get_unconditional)) {
        refcount_inc(&worker->ref);
        return true;
    }
    return refcount_inc_not_zero(&worker->ref);
}

static void io_worker_release(struct io_worker *worker)
{
    MODEL_FRAME();
    if (refcount_dec_and_test(&worker->ref) && !MUTANT(release_no_wake))
        wake_up_process(worker->task);
}

// Returns true with wqe->lock dropped if restoring the worker's own files or mm needed it; the
// caller then retakes the lock (or restarts) itself.
static bool __io_worker_unuse(struct io_wqe *wqe, struct io_worker *worker)
{
    MODEL_FRAME();
    bool dropped_lock = false;

    if (worker->saved_creds) {
        revert_creds(worker->saved_creds);
        worker->cur_creds = nullptr;
        worker->saved_creds = nullptr;
    }

    if (current->files != worker->restore_files) {
        __acquire(&wqe->lock);
        spin_unlock_irq(&wqe->lock);
        dropped_lock = true;

        task_lock(current);
        current->files = worker->restore_files;
        task_unlock(current);
    }

    if (worker->mm) {
        if (!dropped_lock) {
            __acquire(&wqe->lock);
            spin_unlock_irq(&wqe->lock);
            dropped_lock = true;
        }
        __set_current_state(TASK_RUNNING);
        set_fs(KERNEL_DS);
        unuse_mm(worker->mm);
        mmput(worker->mm);
        worker->mm = nullptr;
    }

    return dropped_lock;
}

static inline struct io_wqe_acct *io_work_get_acct(struct io_wqe *wqe, struct io_wq_work *work)
{
    if (work->flags & IO_WQ_WORK_UNBOUND)
        return &wqe->acct[IO_WQ_ACCT_UNBOUND];

    return &wqe->acct[IO_WQ_ACCT_BOUND];
}

static inline struct io_wqe_acct *io_wqe_get_acct(struct io_wqe *wqe, struct io_worker *worker)
{
    if (worker->flags & IO_WORKER_F_BOUND)
        return &wqe->acct[IO_WQ_ACCT_BOUND];

    return &wqe->acct[IO_WQ_ACCT_UNBOUND];
}

static void io_wqe_dec_running(struct io_wqe *wqe, struct io_worker *worker);

static void io_worker_exit(struct io_worker *worker)
{
    MODEL_FRAME();
    struct io_wqe *wqe = worker->wqe;
    struct io_wqe_acct *acct = io_wqe_get_acct(wqe, worker);
    unsigned nr_workers;
    unsigned flags;

    // Someone may still hold a brief reference (io_worker_get() under RCU): sleep once until
    // their io_worker_release() wakes us. Not a loop, as in the kernel: only RCU and
    // kfree_rcu() make an early wake-up safe.
    set_current_state(TASK_INTERRUPTIBLE);
    if (!refcount_dec_and_test(&worker->ref))
        schedule();
    __set_current_state(TASK_RUNNING);

    // Preemption off: no scheduler hook of this task runs while its flags change (the model's
    // hooks run only inside schedule() anyway); the region holds back RCU's grace period.
    preempt_disable();
    current->flags &= ~PF_IO_WORKER;
    flags = worker->flags;
    // FIX(83d6c39310b6) drops the running count under wqe->lock instead (below, through
    // io_wqe_dec_running(), so that queued work gets another worker), and keeps the flags for it.
    if (!model_fixed(FIX_83d6c39310b6) && (flags & IO_WORKER_F_RUNNING))
        atomic_dec(&acct->nr_running);
    if (!(flags & IO_WORKER_F_BOUND) && !MUTANT(exit_keeps_charge))
        atomic_dec(&wqe->wq->user->processes);
    if (!model_fixed(FIX_83d6c39310b6))
        worker->flags = 0;
    preempt_enable();

    spin_lock_irq(&wqe->lock);
    // FIX(bf1daa4bfc77): a busy worker (EXIT drain) is not on the free list any more.
    if (!model_fixed(FIX_bf1daa4bfc77) || (flags & IO_WORKER_F_FREE))
        hlist_nulls_del_rcu(&worker->nulls_node);
    list_del_rcu(&worker->all_list);
    if (__io_worker_unuse(wqe, worker)) {
        __release(&wqe->lock);
        spin_lock_irq(&wqe->lock);
    }
    if (MUTANT(exit_unlock_early))
        spin_unlock_irq(&wqe->lock);
    acct->nr_workers--;
    nr_workers = wqe->acct[IO_WQ_ACCT_BOUND].nr_workers + wqe->acct[IO_WQ_ACCT_UNBOUND].nr_workers;
    if (model_fixed(FIX_83d6c39310b6)) {
        // FIX(83d6c39310b6): the running count dropped here, with the worker off the lists, so
        // that io_wqe_dec_running() may wake another worker for queued work; then the flags.
        if (flags & IO_WORKER_F_RUNNING)
            io_wqe_dec_running(wqe, worker);
        worker->flags = 0;
    }
    if (!MUTANT(exit_unlock_early))
        spin_unlock_irq(&wqe->lock);

    // The last worker of this wqe lets the wq's exit proceed. FIX(c4068bf898dd): a wqe can run
    // out of workers and then get a new one, so wq->refs counts the workers (and the manager)
    // instead, and each worker drops its own reference after the free, below.
    if (!model_fixed(FIX_c4068bf898dd) && !nr_workers && refcount_dec_and_test(&wqe->wq->refs))
        complete(&wqe->wq->done);

    if (model_whatif_no_rcu() || MUTANT(exit_kfree))
        kfree(worker);  // WHATIF(no-rcu): not the kernel
    else
        kfree_rcu(worker, rcu);

    // FIX(c4068bf898dd): this worker's own reference, whether or not others remain.
    if (model_fixed(FIX_c4068bf898dd)) {
        if (refcount_dec_and_test(&wqe->wq->refs))
            complete(&wqe->wq->done);
        if (MUTANT(refs_double_put) && refcount_dec_and_test(&wqe->wq->refs))
            complete(&wqe->wq->done);
    }
}

static inline bool io_wqe_run_queue(struct io_wqe *wqe)
{
    MODEL_FRAME();
    __must_hold(wqe->lock);
    if (!wq_list_empty(&wqe->work_list) && !(wqe->flags & IO_WQE_FLAG_STALLED))
        return true;
    return false;
}

// Wakes the worker at the head of the free list, if there is one; false means the caller must
// have the manager create one.
static bool io_wqe_activate_free_worker(struct io_wqe *wqe)
{
    MODEL_FRAME();
    __must_hold(RCU);
    struct hlist_nulls_node *n;
    struct io_worker *worker;

    if (model_fixed(FIX_83d6c39310b6)) {
        // FIX(83d6c39310b6): only a worker that wake_up_process() really woke counts; one
        // that is on its way out is skipped.
        hlist_nulls_for_each_entry_rcu(worker, n, &wqe->free_list, nulls_node) {
            if (!io_worker_get(worker))
                continue;
            if (wake_up_process(worker->task)) {
                io_worker_release(worker);
                return true;
            }
            io_worker_release(worker);
        }
        return false;
    }

    n = rcu_dereference(hlist_nulls_first_rcu(&wqe->free_list));
    if (is_a_nulls(n))
        return false;

    worker = hlist_nulls_entry(n, struct io_worker, nulls_node);
    if (io_worker_get(worker)) {
        wake_up_process(worker->task);
        io_worker_release(worker);
        return true;
    }

    return false;
}

// Work is queued and nobody runs it: wake a free worker, or the manager to create one.
static void io_wqe_wake_worker(struct io_wqe *wqe, struct io_wqe_acct *acct)
{
    MODEL_FRAME();
    bool ret;

    // Queuing unbound work on a wq created without unbound workers (RLIMIT_NPROC = 0): R8, the
    // syzbot WARNING. FIX(e6ab8991c5d0) drops the WARN, since userspace may choose that
    // configuration; it is no kernel bug. The fix prints a pr_warn_once() instead. MODEL: that
    // message is not modelled: it prints nothing and touches no object.
    if (!model_fixed(FIX_e6ab8991c5d0))
        WARN_ON_ONCE(!acct->max_workers);

    if (!MUTANT(activate_no_rcu))
        rcu_read_lock();
    ret = io_wqe_activate_free_worker(wqe);
    if (!MUTANT(activate_no_rcu))
        rcu_read_unlock();

    // MODEL: the kernel reads nr_workers here without wqe->lock; so does the model (no race
    // report): the value only decides whether to wake the manager, which rechecks under the
    // lock.
    if (!ret && acct->nr_workers.racy_load() < acct->max_workers)
        wake_up_process(wqe->wq->manager);
}

static void io_wqe_inc_running(struct io_wqe *wqe, struct io_worker *worker)
{
    MODEL_FRAME();
    struct io_wqe_acct *acct = io_wqe_get_acct(wqe, worker);

    atomic_inc(&acct->nr_running);
}

static void io_wqe_dec_running(struct io_wqe *wqe, struct io_worker *worker)
{
    MODEL_FRAME();
    __must_hold(wqe->lock);
    struct io_wqe_acct *acct = io_wqe_get_acct(wqe, worker);

    if (atomic_dec_and_test(&acct->nr_running) && io_wqe_run_queue(wqe) &&
        !MUTANT(dec_running_no_wake))
        io_wqe_wake_worker(wqe, acct);
}

static void io_worker_start(struct io_wqe *wqe, struct io_worker *worker)
{
    MODEL_FRAME();
    allow_kernel_signal(SIGINT);

    current->flags |= PF_IO_WORKER;

    worker->flags |= (IO_WORKER_F_UP | IO_WORKER_F_RUNNING);
    worker->restore_files = current->files;
    io_wqe_inc_running(wqe, worker);
}

// The worker takes on work: off the free list, and over to the other account if the work is
// of the other kind.
static void __io_worker_busy(struct io_wqe *wqe, struct io_worker *worker, struct io_wq_work *work)
{
    MODEL_FRAME();
    __must_hold(wqe->lock);
    bool worker_bound, work_bound;

    if (worker->flags & IO_WORKER_F_FREE) {
        worker->flags &= ~IO_WORKER_F_FREE;
        hlist_nulls_del_init_rcu(&worker->nulls_node);
    }

    worker_bound = (worker->flags & IO_WORKER_F_BOUND) != 0;
    work_bound = (work->flags & IO_WQ_WORK_UNBOUND) == 0;
    if (worker_bound != work_bound) {
        io_wqe_dec_running(wqe, worker);
        if (work_bound) {
            worker->flags |= IO_WORKER_F_BOUND;
            wqe->acct[IO_WQ_ACCT_UNBOUND].nr_workers--;
            wqe->acct[IO_WQ_ACCT_BOUND].nr_workers++;
            atomic_dec(&wqe->wq->user->processes);
        } else {
            worker->flags &= ~IO_WORKER_F_BOUND;
            wqe->acct[IO_WQ_ACCT_UNBOUND].nr_workers++;
            wqe->acct[IO_WQ_ACCT_BOUND].nr_workers--;
            atomic_inc(&wqe->wq->user->processes);
        }
        io_wqe_inc_running(wqe, worker);
    }
}

// No work: back on the free list. Returns true, with wqe->lock dropped, if restoring the
// worker's own context needed the lock dropped; the caller must then start over.
static bool __io_worker_idle(struct io_wqe *wqe, struct io_worker *worker)
{
    MODEL_FRAME();
    __must_hold(wqe->lock);
    if (!(worker->flags & IO_WORKER_F_FREE)) {
        worker->flags |= IO_WORKER_F_FREE;
        hlist_nulls_add_head_rcu(&worker->nulls_node, &wqe->free_list);
    }

    return __io_worker_unuse(wqe, worker);
}

static struct io_wq_work *io_get_next_work(struct io_wqe *wqe, unsigned *hash)
{
    MODEL_FRAME();
    __must_hold(wqe->lock);
    struct io_wq_work_node *node, *prev;
    struct io_wq_work *work;

    wq_list_for_each(node, prev, &wqe->work_list) {
        work = container_of(node, struct io_wq_work, list);

        // Unhashed work may run at any time.
        if (!(work->flags & IO_WQ_WORK_HASHED)) {
            wq_node_del(&wqe->work_list, node, prev);
            return work;
        }

        // Hashed work runs only if nothing of its bucket is running.
        *hash = work->flags >> IO_WQ_HASH_SHIFT;
        if (!(wqe->hash_map & BIT_ULL(*hash))) {
            wqe->hash_map |= BIT_ULL(*hash);
            wq_node_del(&wqe->work_list, node, prev);
            return work;
        }
    }

    return nullptr;
}

static void io_wq_switch_mm(struct io_worker *worker, struct io_wq_work *work)
{
    MODEL_FRAME();
    if (worker->mm) {
        unuse_mm(worker->mm);
        mmput(worker->mm);
        worker->mm = nullptr;
    }
    if (!work->mm) {
        set_fs(KERNEL_DS);
        return;
    }
    if (mmget_not_zero(work->mm)) {
        use_mm(work->mm);
        if (!worker->mm)
            set_fs(USER_DS);
        worker->mm = work->mm;
        work->mm = nullptr;
        return;
    }

    // The mm is gone: the work must be cancelled.
    work->flags |= IO_WQ_WORK_CANCEL;
}

static void io_wq_switch_creds(struct io_worker *worker, struct io_wq_work *work)
{
    MODEL_FRAME();
    const struct cred *old_creds = override_creds(work->creds);

    worker->cur_creds = work->creds;
    if (worker->saved_creds)
        put_cred(old_creds);
    else
        worker->saved_creds = old_creds;
}

// Called with wqe->lock held; returns with it dropped.
static void io_worker_handle_work(struct io_worker *worker)
{
    MODEL_FRAME();
    struct io_wq_work *work, *old_work = nullptr, *put_work = nullptr;
    struct io_wqe *wqe = worker->wqe;
    struct io_wq *wq = wqe->wq;

    do {
        unsigned hash = -1U;

        // With no work but a non-empty list, everything queued waits for its hash bucket:
        // mark the wqe stalled until a completion or an enqueue clears it.
        work = io_get_next_work(wqe, &hash);
        if (work)
            __io_worker_busy(wqe, worker, work);
        else if (!wq_list_empty(&wqe->work_list))
            wqe->flags |= IO_WQE_FLAG_STALLED;

        spin_unlock_irq(&wqe->lock);
        if (put_work && wq->put_work)
            wq->put_work(old_work);
        if (!work)
            break;
    next:
        // Signals meant for the previous work are not for this one.
        if (signal_pending(current))
            flush_signals(current);

        cond_resched();

        spin_lock_irq(&worker->lock);
        worker->cur_work = work;
        spin_unlock_irq(&worker->lock);

        if (work->flags & IO_WQ_WORK_CB)
            work->func(&work);

        if (work->files && current->files != work->files) {
            task_lock(current);
            current->files = work->files;
            task_unlock(current);
        }
        if (work->mm != worker->mm)
            io_wq_switch_mm(worker, work);
        if (worker->cur_creds != work->creds)
            io_wq_switch_creds(worker, work);
        // Cancelling the whole wq cancels whatever runs from now on, even work that cannot
        // normally be cancelled: its function knows what to do with the flag.
        if (test_bit(IO_WQ_BIT_CANCEL, &wq->state))
            work->flags |= IO_WQ_WORK_CANCEL;
        if (worker->mm)
            work->flags |= IO_WQ_WORK_HAS_MM;

        if (wq->get_work && !(work->flags & IO_WQ_WORK_INTERNAL)) {
            put_work = work;
            wq->get_work(work);
        }

        old_work = work;
        model_work_completing(work);  // MODEL: the completion oracle (compiler.h)
        work->func(&work);

        spin_lock_irq(&worker->lock);
        worker->cur_work = nullptr;
        spin_unlock_irq(&worker->lock);

        spin_lock_irq(&wqe->lock);

        if (hash != -1U) {
            if (!MUTANT(hash_bit_kept))
                wqe->hash_map &= ~BIT_ULL(hash);
            wqe->flags &= ~IO_WQE_FLAG_STALLED;
        }
        if (work && work != old_work) {
            model_work_handed(work);  // MODEL: the completion oracle (compiler.h)
            spin_unlock_irq(&wqe->lock);

            if (put_work && wq->put_work) {
                wq->put_work(put_work);
                put_work = nullptr;
            }

            // A linked request is never hashed.
            hash = -1U;
            goto next;
        }
    } while (1);
}

// MODEL: the kernel spins here up to 1000 times, reading the work list without wqe->lock,
// before it takes the lock and looks again. The spin only delays; the worker decides under
// the lock either way, and every delay is already offered by the scheduling points around
// it. So the model does not spin.
static inline void io_worker_spin_for_work(struct io_wqe *wqe)
{
    (void)wqe;
}

static int io_wqe_worker(void *data)
{
    MODEL_FRAME();
    struct io_worker *worker = static_cast<struct io_worker *>(data);
    struct io_wqe *wqe = worker->wqe;
    struct io_wq *wq = wqe->wq;
    bool did_work;

    io_worker_start(wqe, worker);

    did_work = false;
    while (!test_bit(IO_WQ_BIT_EXIT, &wq->state)) {
        if (!MUTANT(worker_late_sleep))
            set_current_state(TASK_INTERRUPTIBLE);
    loop:
        if (did_work)
            io_worker_spin_for_work(wqe);
        spin_lock_irq(&wqe->lock);
        if (io_wqe_run_queue(wqe)) {
            __set_current_state(TASK_RUNNING);
            io_worker_handle_work(worker);
            did_work = true;
            goto loop;
        }
        did_work = false;
        // __io_worker_idle() dropped the lock: look again.
        if (__io_worker_idle(wqe, worker)) {
            __release(&wqe->lock);
            goto loop;
        }
        spin_unlock_irq(&wqe->lock);
        if (signal_pending(current))
            flush_signals(current);
        if (MUTANT(worker_late_sleep))
            set_current_state(TASK_INTERRUPTIBLE);
        if (schedule_timeout(WORKER_IDLE_TIMEOUT))
            continue;
        // Idle for the whole timeout: leave, unless this is the wqe's fixed worker.
        if (test_bit(IO_WQ_BIT_EXIT, &wq->state) || !(worker->flags & IO_WORKER_F_FIXED))
            break;
    }

    // The wq is going away: run what is still queued before leaving (the "EXIT drain").
    if (test_bit(IO_WQ_BIT_EXIT, &wq->state) && !MUTANT(exit_no_drain)) {
        spin_lock_irq(&wqe->lock);
        if (!wq_list_empty(&wqe->work_list))
            io_worker_handle_work(worker);
        else
            spin_unlock_irq(&wqe->lock);
    }

    io_worker_exit(worker);
    return 0;
}

// The scheduler calls this when a worker runs again after sleeping.
void io_wq_worker_running(struct task_struct *tsk)
{
    MODEL_FRAME();
    struct io_worker *worker = static_cast<struct io_worker *>(kthread_data(tsk));
    struct io_wqe *wqe = worker->wqe;

    if (!(worker->flags & IO_WORKER_F_UP))
        return;
    if (worker->flags & IO_WORKER_F_RUNNING)
        return;
    worker->flags |= IO_WORKER_F_RUNNING;
    io_wqe_inc_running(wqe, worker);
}

// The scheduler calls this when a worker is about to sleep: if it was the last one running and
// work is queued, get another worker going.
void io_wq_worker_sleeping(struct task_struct *tsk)
{
    MODEL_FRAME();
    struct io_worker *worker = static_cast<struct io_worker *>(kthread_data(tsk));
    struct io_wqe *wqe = worker->wqe;

    if (!(worker->flags & IO_WORKER_F_UP))
        return;
    if (!(worker->flags & IO_WORKER_F_RUNNING))
        return;

    worker->flags &= ~IO_WORKER_F_RUNNING;

    spin_lock_irq(&wqe->lock);
    io_wqe_dec_running(wqe, worker);
    spin_unlock_irq(&wqe->lock);
}

static bool create_io_worker(struct io_wq *wq, struct io_wqe *wqe, int index)
{
    MODEL_FRAME();
    struct io_wqe_acct *acct = &wqe->acct[index];
    struct io_worker *worker;

    worker = kzalloc_node(sizeof(*worker), GFP_KERNEL, wqe->node);
    if (!worker)
        return false;

    refcount_set(&worker->ref, 1);
    worker->nulls_node.pprev = nullptr;
    worker->wqe = wqe;
    spin_lock_init(&worker->lock);

    // FIX(8b3e78b5955a), its other half: the worker's wq->refs reference is taken before the
    // thread exists (and given back if it cannot be made), so that a worker started early and
    // gone again (R11) cannot drop it first. It needs c4068bf898dd's per-worker references.
    const bool ref_first =
        model_fixed(FIX_8b3e78b5955a) && model_fixed(FIX_c4068bf898dd) && !MUTANT(create_no_wq_ref);
    if (ref_first)
        refcount_inc(&wq->refs);

    worker->task = kthread_create_on_node(io_wqe_worker, worker, wqe->node, "io_wqe_worker-%d/%d",
                                          index, static_cast<int>(wqe->node));
    if (IS_ERR(worker->task)) {
        if (ref_first && refcount_dec_and_test(&wq->refs))
            complete(&wq->done);
        kfree(worker);
        return false;
    }

    // FIX(d9b46f91b8fd), proposed for R11: once the worker is on the free list anyone may start
    // it, so it is charged to the user and holds its wq->refs reference before it is published,
    // its flags and count are set before it goes on the lists, and it is woken under the lock,
    // which it needs to unlink itself before it can be freed.
    const bool publish_last = model_fixed(FIX_d9b46f91b8fd);
    if (publish_last && index == IO_WQ_ACCT_UNBOUND)
        atomic_inc(&wq->user->processes);
    if (publish_last && !ref_first && model_fixed(FIX_c4068bf898dd) && !MUTANT(create_no_wq_ref))
        refcount_inc(&wq->refs);

    spin_lock_irq(&wqe->lock);
    if (!publish_last) {
        hlist_nulls_add_head_rcu(&worker->nulls_node, &wqe->free_list);
        list_add_tail_rcu(&worker->all_list, &wqe->all_list);
    }
    worker->flags |= IO_WORKER_F_FREE;
    if (index == IO_WQ_ACCT_BOUND)
        worker->flags |= IO_WORKER_F_BOUND;
    if (!acct->nr_workers && (worker->flags & IO_WORKER_F_BOUND))
        worker->flags |= IO_WORKER_F_FIXED;
    acct->nr_workers++;
    if (publish_last) {
        hlist_nulls_add_head_rcu(&worker->nulls_node, &wqe->free_list);
        list_add_tail_rcu(&worker->all_list, &wqe->all_list);
        wake_up_process(worker->task);
    }
    spin_unlock_irq(&wqe->lock);

    if (!publish_last && index == IO_WQ_ACCT_UNBOUND)
        atomic_inc(&wq->user->processes);

    // FIX(c4068bf898dd): one wq->refs reference per worker, dropped by its io_worker_exit(), so
    // that the wq outlives every worker. (R11: whoever finds the worker on the free list may
    // start it before this line; 8b3e78b5955a takes the reference before the thread exists,
    // d9b46f91b8fd before publishing.)
    if (!publish_last && !ref_first && model_fixed(FIX_c4068bf898dd) && !MUTANT(create_no_wq_ref))
        refcount_inc(&wq->refs);
    if (!publish_last)
        wake_up_process(worker->task);
    return true;
}

static inline bool io_wqe_need_worker(struct io_wqe *wqe, int index)
{
    MODEL_FRAME();
    __must_hold(wqe->lock);
    struct io_wqe_acct *acct = &wqe->acct[index];

    // A free worker, or nothing to run: no new worker needed.
    if (!hlist_nulls_empty(&wqe->free_list) || !io_wqe_run_queue(wqe))
        return false;
    return acct->nr_workers < acct->max_workers;
}

static bool io_wq_worker_wake(struct io_worker *worker, void *data);
static bool io_wq_for_each_worker(struct io_wqe *wqe, bool (*func)(struct io_worker *, void *),
                                  void *data);

// FIX(c4068bf898dd): the manager's exit path, after its loop or after a failure to create a
// fixed worker (the fix's `out:` label). It drops the manager's own wq->refs reference; if that
// was not the last one and creation failed, it wakes the workers already created, so that they
// see EXIT now rather than at their idle timeout (R10). No MODEL_FRAME(): the kernel has this
// inside io_wq_manager(), and reports name that function.
static inline int io_wq_manager_out(struct io_wq *wq)
{
    int node;

    if (refcount_dec_and_test(&wq->refs)) {
        complete(&wq->done);
        return 0;
    }
    if (test_bit(IO_WQ_BIT_ERROR, &wq->state)) {
        rcu_read_lock();
        for_each_node(node)
            io_wq_for_each_worker(wq->wqes[node], io_wq_worker_wake, nullptr);
        rcu_read_unlock();
    }
    return 0;
}

// The manager creates each node's fixed worker, then new workers whenever work waits for one.
static int io_wq_manager(void *data)
{
    MODEL_FRAME();
    struct io_wq *wq = static_cast<struct io_wq *>(data);
    int workers_to_create = num_possible_nodes();
    int node;

    if (model_fixed(FIX_c4068bf898dd)) {
        // FIX(c4068bf898dd): wq->refs counts the manager (one reference, here) and each worker
        // (create_io_worker() takes one), not the nodes still to run out of workers; a failure
        // marks the wq ERROR and EXIT and leaves by the manager's exit path.
        refcount_set(&wq->refs, 1);
        for_each_node(node) {
            if (create_io_worker(wq, wq->wqes[node], IO_WQ_ACCT_BOUND))
                continue;
            set_bit(IO_WQ_BIT_ERROR, &wq->state);
            set_bit(IO_WQ_BIT_EXIT, &wq->state);
            return io_wq_manager_out(wq);
        }
    } else {
        refcount_set(&wq->refs, workers_to_create);
        for_each_node(node) {
            if (!create_io_worker(wq, wq->wqes[node], IO_WQ_ACCT_BOUND))
                goto err;
            workers_to_create--;
        }
    }

    complete(&wq->done);

    while (!kthread_should_stop()) {
        // FIX(8b3e78b5955a): not runnable before the scan, so that a wake_up_process() from
        // io_wqe_wake_worker() during it makes the schedule_timeout() below return at once.
        if (model_fixed(FIX_8b3e78b5955a))
            set_current_state(TASK_INTERRUPTIBLE);
        for_each_node(node) {
            struct io_wqe *wqe = wq->wqes[node];
            bool fork_worker[2] = {false, false};

            spin_lock_irq(&wqe->lock);
            if (io_wqe_need_worker(wqe, IO_WQ_ACCT_BOUND))
                fork_worker[IO_WQ_ACCT_BOUND] = true;
            if (io_wqe_need_worker(wqe, IO_WQ_ACCT_UNBOUND))
                fork_worker[IO_WQ_ACCT_UNBOUND] = true;
            spin_unlock_irq(&wqe->lock);
            // FIX(8b3e78b5955a): creating a worker blocks; run again first (the loop then
            // comes round once more before it sleeps).
            if (model_fixed(FIX_8b3e78b5955a) &&
                (fork_worker[IO_WQ_ACCT_BOUND] || fork_worker[IO_WQ_ACCT_UNBOUND]))
                __set_current_state(TASK_RUNNING);
            if (fork_worker[IO_WQ_ACCT_BOUND])
                create_io_worker(wq, wqe, IO_WQ_ACCT_BOUND);
            if (fork_worker[IO_WQ_ACCT_UNBOUND])
                create_io_worker(wq, wqe, IO_WQ_ACCT_UNBOUND);
        }
        // FIX(8b3e78b5955a): the sleep state was set before the scan, at the top of the loop.
        if (!model_fixed(FIX_8b3e78b5955a))
            set_current_state(TASK_INTERRUPTIBLE);
        schedule_timeout(HZ);
    }

    // FIX(c4068bf898dd): the manager leaves by dropping its own reference.
    if (model_fixed(FIX_c4068bf898dd))
        return io_wq_manager_out(wq);
    return 0;
err:
    // Creating a fixed worker failed: the wq is marked ERROR (io_wq_create() fails) and EXIT,
    // and the references of the nodes left without a worker are dropped.
    set_bit(IO_WQ_BIT_ERROR, &wq->state);
    set_bit(IO_WQ_BIT_EXIT, &wq->state);
    if (refcount_sub_and_test(workers_to_create, &wq->refs))
        complete(&wq->done);
    return 0;
}

static bool io_wq_can_queue(struct io_wqe *wqe, struct io_wqe_acct *acct, struct io_wq_work *work)
{
    MODEL_FRAME();
    bool free_worker;

    if (!(work->flags & IO_WQ_WORK_UNBOUND))
        return true;
    if (atomic_read(&acct->nr_running))
        return true;

    rcu_read_lock();
    free_worker = !hlist_nulls_empty(&wqe->free_list);
    rcu_read_unlock();
    if (free_worker)
        return true;

    // As in C, the int count is compared as unsigned with max_workers.
    if (static_cast<unsigned>(atomic_read(&wqe->wq->user->processes)) >= acct->max_workers &&
        !(capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN)))
        return false;

    return true;
}

static void io_wqe_enqueue(struct io_wqe *wqe, struct io_wq_work *work)
{
    MODEL_FRAME();
    struct io_wqe_acct *acct = io_work_get_acct(wqe, work);
    int work_flags;
    unsigned long flags;

    model_work_handed(work);  // MODEL: the completion oracle (compiler.h)
    // An early, unlocked check whether an unbound worker could be had at all; it may be stale
    // by the time the work is queued, which the kernel accepts.
    if (unlikely(!io_wq_can_queue(wqe, acct, work))) {
        work->flags |= IO_WQ_WORK_CANCEL;
        model_work_completing(work);
        work->func(&work);
        return;
    }

    work_flags = work->flags;
    if (MUTANT(enqueue_unlocked)) {
        wq_list_add_tail(&work->list, &wqe->work_list);
        wqe->flags &= ~IO_WQE_FLAG_STALLED;
    } else {
        spin_lock_irqsave(&wqe->lock, flags);
        wq_list_add_tail(&work->list, &wqe->work_list);
        wqe->flags &= ~IO_WQE_FLAG_STALLED;
        spin_unlock_irqrestore(&wqe->lock, flags);
    }

    if ((work_flags & IO_WQ_WORK_CONCURRENT) || !atomic_read(&acct->nr_running))
        io_wqe_wake_worker(wqe, acct);
}

void io_wq_enqueue(struct io_wq *wq, struct io_wq_work *work)
{
    MODEL_FRAME();
    struct io_wqe *wqe = wq->wqes[numa_node_id()];

    io_wqe_enqueue(wqe, work);
}

// Work that hashes to the same value (io_uring uses the inode) never runs in parallel.
void io_wq_enqueue_hashed(struct io_wq *wq, struct io_wq_work *work, void *val)
{
    MODEL_FRAME();
    struct io_wqe *wqe = wq->wqes[numa_node_id()];
    unsigned bit;

    bit = hash_ptr(val, IO_WQ_HASH_ORDER);
    work->flags |= (IO_WQ_WORK_HASHED | (bit << IO_WQ_HASH_SHIFT));
    io_wqe_enqueue(wqe, work);
}

static bool io_wqe_worker_send_sig(struct io_worker *worker, void *data)
{
    MODEL_FRAME();
    (void)data;
    send_sig(SIGINT, worker->task, 1);
    return false;
}

// Calls func for every worker of the wqe that is not already on its way out; the caller holds
// RCU.
static bool io_wq_for_each_worker(struct io_wqe *wqe, bool (*func)(struct io_worker *, void *),
                                  void *data)
{
    MODEL_FRAME();
    struct io_worker *worker;
    bool ret = false;

    list_for_each_entry_rcu(worker, &wqe->all_list, all_list) {
        if (MUTANT(for_each_no_ref)) {
            if ((ret = func(worker, data)))
                break;
            continue;
        }
        if (io_worker_get(worker)) {
            ret = func(worker, data);
            io_worker_release(worker);
            if (ret)
                break;
        }
    }

    return ret;
}

void io_wq_cancel_all(struct io_wq *wq)
{
    MODEL_FRAME();
    int node;

    set_bit(IO_WQ_BIT_CANCEL, &wq->state);

    rcu_read_lock();
    for_each_node(node) {
        struct io_wqe *wqe = wq->wqes[node];

        io_wq_for_each_worker(wqe, io_wqe_worker_send_sig, nullptr);
    }
    rcu_read_unlock();
}

struct io_cb_cancel_data {
    struct io_wqe *wqe;
    work_cancel_fn *cancel;
    void *caller_data;
    // 4f26bda1522c (with FIX(00c18640c243)): go on past the first match, counting them.
    bool cancel_all;
    int nr_running;
    int nr_pending;
};

static bool io_work_cancel(struct io_worker *worker, void *cancel_data)
{
    MODEL_FRAME();
    struct io_cb_cancel_data *data = static_cast<struct io_cb_cancel_data *>(cancel_data);
    unsigned long flags;
    bool ret = false;

    // worker->lock keeps cur_work alive while the callback looks at it.
    spin_lock_irqsave(&worker->lock, flags);
    if (worker->cur_work && !(worker->cur_work->flags & IO_WQ_WORK_NO_CANCEL) &&
        data->cancel(worker->cur_work, data->caller_data)) {
        send_sig(SIGINT, worker->task, 1);
        data->nr_running++;
        ret = true;
    }
    spin_unlock_irqrestore(&worker->lock, flags);

    // With cancel_all the walk goes on to every worker.
    return ret && !data->cancel_all;
}

static enum io_wq_cancel io_wqe_cancel_cb_work(struct io_wqe *wqe, struct io_cb_cancel_data *data)
{
    MODEL_FRAME();
    struct io_wq_work_node *node, *prev;
    struct io_wq_work *work = nullptr;
    unsigned long flags;
    bool found;

    // Queued matches: each is unlinked under the lock and completed as cancelled outside it;
    // with cancel_all, the list is searched again from its head after each (4f26bda1522c).
    do {
        found = false;
        spin_lock_irqsave(&wqe->lock, flags);
        wq_list_for_each(node, prev, &wqe->work_list) {
            work = container_of(node, struct io_wq_work, list);

            if (data->cancel(work, data->caller_data)) {
                wq_node_del(&wqe->work_list, node, prev);
                found = true;
                break;
            }
        }
        spin_unlock_irqrestore(&wqe->lock, flags);

        if (found) {
            data->nr_pending++;
            work->flags |= IO_WQ_WORK_CANCEL;
            model_work_completing(work);
            work->func(&work);
            if (!data->cancel_all)
                return IO_WQ_CANCEL_OK;
        }
    } while (found);

    rcu_read_lock();
    io_wq_for_each_worker(wqe, io_work_cancel, data);
    rcu_read_unlock();
    if (data->nr_running)
        return IO_WQ_CANCEL_RUNNING;
    return data->nr_pending ? IO_WQ_CANCEL_OK : IO_WQ_CANCEL_NOTFOUND;
}

enum io_wq_cancel io_wq_cancel_cb(struct io_wq *wq, work_cancel_fn *cancel, void *data,
                                  bool cancel_all)
{
    MODEL_FRAME();
    struct io_cb_cancel_data match = {
        .wqe = nullptr,
        .cancel = cancel,
        .caller_data = data,
        .cancel_all = cancel_all,
        .nr_running = 0,
        .nr_pending = 0,
    };
    enum io_wq_cancel ret = IO_WQ_CANCEL_NOTFOUND;
    int node;

    // MODEL: with cancel_all, 4f26bda1522c looks at every node's queue before any node's
    // running work; the model keeps this era's order, one node at a time (queued, then
    // running). The model's scenarios that cancel all run on one node.
    for_each_node(node) {
        struct io_wqe *wqe = wq->wqes[node];

        match.wqe = wqe;
        ret = io_wqe_cancel_cb_work(wqe, &match);
        if (ret != IO_WQ_CANCEL_NOTFOUND && !cancel_all)
            break;
    }

    return ret;
}

static bool io_wq_worker_cancel(struct io_worker *worker, void *data)
{
    MODEL_FRAME();
    struct io_wq_work *work = static_cast<struct io_wq_work *>(data);
    unsigned long flags;
    bool ret = false;

    // MODEL: the kernel peeks at cur_work without worker->lock first; so does the model (no
    // race report), and it decides under the lock as the kernel does.
    if (worker->cur_work.racy_load() != work)
        return false;

    spin_lock_irqsave(&worker->lock, flags);
    if (worker->cur_work == work && !(worker->cur_work->flags & IO_WQ_WORK_NO_CANCEL)) {
        send_sig(SIGINT, worker->task, 1);
        ret = true;
    }
    spin_unlock_irqrestore(&worker->lock, flags);

    return ret;
}

static enum io_wq_cancel io_wqe_cancel_work(struct io_wqe *wqe, struct io_wq_work *cwork)
{
    MODEL_FRAME();
    struct io_wq_work_node *node, *prev;
    struct io_wq_work *work = nullptr;
    unsigned long flags;
    bool found = false;

    cwork->flags |= IO_WQ_WORK_CANCEL;

    // Still queued: take it off the list; it completes as cancelled and never runs.
    spin_lock_irqsave(&wqe->lock, flags);
    wq_list_for_each(node, prev, &wqe->work_list) {
        work = container_of(node, struct io_wq_work, list);

        if (work == cwork) {
            wq_node_del(&wqe->work_list, node, prev);
            found = true;
            break;
        }
    }
    spin_unlock_irqrestore(&wqe->lock, flags);

    if (found) {
        work->flags |= IO_WQ_WORK_CANCEL;
        model_work_completing(work);
        work->func(&work);
        return IO_WQ_CANCEL_OK;
    }

    // Running: signal the worker that runs it; its completion is posted as usual.
    if (!MUTANT(cancel_work_no_rcu))
        rcu_read_lock();
    found = io_wq_for_each_worker(wqe, io_wq_worker_cancel, cwork);
    if (!MUTANT(cancel_work_no_rcu))
        rcu_read_unlock();
    return found ? IO_WQ_CANCEL_RUNNING : IO_WQ_CANCEL_NOTFOUND;
}

enum io_wq_cancel io_wq_cancel_work(struct io_wq *wq, struct io_wq_work *cwork)
{
    MODEL_FRAME();
    enum io_wq_cancel ret = IO_WQ_CANCEL_NOTFOUND;
    int node;

    for_each_node(node) {
        struct io_wqe *wqe = wq->wqes[node];

        ret = io_wqe_cancel_work(wqe, cwork);
        if (ret != IO_WQ_CANCEL_NOTFOUND)
            break;
    }

    return ret;
}

// MODEL: io_wq_cancel_pid() arrived in fs/io-wq.c later in the v5.6 cycle than 24369c2e, with
// io_uring_flush() calling it; the model carries it as that version has it (a match on the
// work's task_pid through io_wq_cancel_cb()).
static bool io_wq_pid_match(struct io_wq_work *work, void *data)
{
    MODEL_FRAME();
    int pid = static_cast<int>(reinterpret_cast<std::intptr_t>(data));

    if (work)
        return work->task_pid == pid;
    return false;
}

enum io_wq_cancel io_wq_cancel_pid(struct io_wq *wq, int pid)
{
    MODEL_FRAME();
    return io_wq_cancel_cb(wq, io_wq_pid_match,
                           reinterpret_cast<void *>(static_cast<std::intptr_t>(pid)), false);
}

struct io_wq_flush_data {
    struct io_wq_work work;
    struct completion done;
};

static void io_wq_flush_func(struct io_wq_work **workptr)
{
    MODEL_FRAME();
    struct io_wq_work *work = *workptr;
    struct io_wq_flush_data *data;

    data = container_of(work, struct io_wq_flush_data, work);
    complete(&data->done);
}

// Returns once everything queued before it has started (not finished).
void io_wq_flush(struct io_wq *wq)
{
    MODEL_FRAME();
    struct io_wq_flush_data data;
    int node;

    for_each_node(node) {
        struct io_wqe *wqe = wq->wqes[node];

        init_completion(&data.done);
        INIT_IO_WORK(&data.work, io_wq_flush_func);
        data.work.flags |= IO_WQ_WORK_INTERNAL;
        io_wqe_enqueue(wqe, &data.work);
        wait_for_completion(&data.done);
    }
}

struct io_wq *io_wq_create(unsigned bounded, struct io_wq_data *data)
{
    MODEL_FRAME();
    int ret = -ENOMEM, node;
    struct io_wq *wq;

    // FIX(e6ab8991c5d0): a wq without bound workers is refused outright.
    if (model_fixed(FIX_e6ab8991c5d0) && WARN_ON_ONCE(!bounded))
        return ERR_PTR<struct io_wq>(-EINVAL);

    if (MUTANT(leaky_state)) {
        // Every other execution allocates one more object first: the heap's addresses move.
        static unsigned calls;
        if (calls++ % 2) {
            struct io_wq *extra = kzalloc(sizeof(*extra), GFP_KERNEL);
            kfree(extra);
        }
    }
    wq = kzalloc(sizeof(*wq), GFP_KERNEL);
    if (!wq)
        return ERR_PTR<struct io_wq>(-ENOMEM);
    // MODEL: the conservation oracle (compiler.h): every reference taken on the wq is dropped
    // by the time it is freed.
    model_conserve(&wq->refs, "wq->refs");
    model_conserve(&wq->use_refs, "wq->use_refs");

    wq->wqes = kcalloc(nr_node_ids, sizeof(struct io_wqe *), GFP_KERNEL);
    if (!wq->wqes) {
        kfree(wq);
        return ERR_PTR<struct io_wq>(-ENOMEM);
    }

    wq->get_work = data->get_work;
    wq->put_work = data->put_work;

    // The caller keeps its own reference to the user alive as long as the wq.
    wq->user = data->user;

    for_each_node(node) {
        struct io_wqe *wqe;

        wqe = kzalloc_node(sizeof(struct io_wqe), GFP_KERNEL, node);
        if (!wqe)
            goto err;
        wq->wqes[node] = wqe;
        wqe->node = node;
        wqe->acct[IO_WQ_ACCT_BOUND].max_workers = bounded;
        atomic_set(&wqe->acct[IO_WQ_ACCT_BOUND].nr_running, 0);
        if (wq->user) {
            wqe->acct[IO_WQ_ACCT_UNBOUND].max_workers =
                static_cast<unsigned>(task_rlimit(current, RLIMIT_NPROC));
        }
        atomic_set(&wqe->acct[IO_WQ_ACCT_UNBOUND].nr_running, 0);
        wqe->node = node;
        wqe->wq = wq;
        spin_lock_init(&wqe->lock);
        INIT_WQ_LIST(&wqe->work_list);
        INIT_HLIST_NULLS_HEAD(&wqe->free_list, 0);
        INIT_LIST_HEAD(&wqe->all_list);
        // MODEL: the conservation oracle (compiler.h): when the wqe is freed, no worker is
        // counted, none counts as running and no hash bucket is marked busy.
        model_conserve(&wqe->acct[IO_WQ_ACCT_BOUND].nr_workers,
                       "wqe->acct[IO_WQ_ACCT_BOUND].nr_workers");
        model_conserve(&wqe->acct[IO_WQ_ACCT_UNBOUND].nr_workers,
                       "wqe->acct[IO_WQ_ACCT_UNBOUND].nr_workers");
        model_conserve(&wqe->acct[IO_WQ_ACCT_BOUND].nr_running,
                       "wqe->acct[IO_WQ_ACCT_BOUND].nr_running");
        model_conserve(&wqe->acct[IO_WQ_ACCT_UNBOUND].nr_running,
                       "wqe->acct[IO_WQ_ACCT_UNBOUND].nr_running");
        model_conserve(&wqe->hash_map, "wqe->hash_map");
    }

    init_completion(&wq->done);

    wq->manager = kthread_create(io_wq_manager, wq, "io_wq_manager");
    if (!IS_ERR(wq->manager)) {
        wake_up_process(wq->manager);
        wait_for_completion(&wq->done);
        if (test_bit(IO_WQ_BIT_ERROR, &wq->state)) {
            ret = -ENOMEM;
            goto err;
        }
        refcount_set(&wq->use_refs, 1);
        if (!MUTANT(create_no_reinit))
            reinit_completion(&wq->done);
        return wq;
    }

    ret = static_cast<int>(PTR_ERR(wq->manager));
    complete(&wq->done);
err:
    for_each_node(node)
        kfree(wq->wqes[node]);
    kfree(wq->wqes);
    kfree(wq);
    return ERR_PTR<struct io_wq>(ret);
}

bool io_wq_get(struct io_wq *wq, struct io_wq_data *data)
{
    MODEL_FRAME();
    if (data->get_work != wq->get_work || data->put_work != wq->put_work)
        return false;

    return refcount_inc_not_zero(&wq->use_refs);
}

static bool io_wq_worker_wake(struct io_worker *worker, void *data)
{
    MODEL_FRAME();
    (void)data;
    wake_up_process(worker->task);
    return false;
}

static void __io_wq_destroy(struct io_wq *wq)
{
    MODEL_FRAME();
    int node;

    if (!MUTANT(destroy_no_exit))
        set_bit(IO_WQ_BIT_EXIT, &wq->state);
    if (wq->manager)
        kthread_stop(wq->manager);

    rcu_read_lock();
    for_each_node(node)
        io_wq_for_each_worker(wq->wqes[node], io_wq_worker_wake, nullptr);
    rcu_read_unlock();

    wait_for_completion(&wq->done);

    for_each_node(node)
        kfree(wq->wqes[node]);
    kfree(wq->wqes);
    kfree(wq);
}

void io_wq_destroy(struct io_wq *wq)
{
    MODEL_FRAME();
    if (refcount_dec_and_test(&wq->use_refs))
        __io_wq_destroy(wq);
}
