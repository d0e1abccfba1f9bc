// Deliberate breaks of the model's lifecycle discipline, for the mutation test only
// (tests/mutants.sh, docs/reliability.md). Each site in the model reads MUTANT(<name>).
//
// The shipped checker is built without IOWQ_MUTANTS: there MUTANT(x) is the constant false and
// no mutation is compiled in. Only the test binary iowq-check-mutants defines it; it reads the
// one mutation to apply from the environment variable IOWQ_MUTANT.
#pragma once

// Every mutation, once: the enum and the names IOWQ_MUTANT accepts are both made from this list,
// so that a name cannot switch on another mutation.
#define MODEL_MUTATIONS(X)                                                                         \
    X(none)                                                                                        \
    X(activate_no_rcu)     /* io_wqe_wake_worker: no rcu_read_lock() around the free list */       \
    X(exit_kfree)          /* io_worker_exit: kfree() instead of kfree_rcu() */                    \
    X(for_each_no_ref)     /* io_wq_for_each_worker: func without a worker reference */            \
    X(exit_unlock_early)   /* io_worker_exit: wqe->lock dropped before the accounting */           \
    X(release_no_wake)     /* io_worker_release: the last put wakes nobody */                      \
    X(refs_double_put)     /* io_worker_exit: wq->refs dropped twice */                            \
    X(create_no_reinit)    /* io_wq_create: no reinit_completion(&wq->done) */                     \
    X(enqueue_unlocked)    /* io_wqe_enqueue: work queued without wqe->lock */                     \
    X(get_unconditional)   /* io_worker_get: refcount_inc() instead of _inc_not_zero() */          \
    X(worker_late_sleep)   /* io_wqe_worker: sleep state set after the queue check */              \
    X(create_no_wq_ref)    /* create_io_worker: no reference on wq->refs for the worker */         \
    X(finish_no_destroy)   /* io_finish_async: the ring's wq is never put */                       \
    X(stop_no_task_ref)    /* kthread_stop: no reference on the task_struct while it waits */      \
    X(exit_keeps_charge)   /* io_worker_exit: user->processes not uncharged */                     \
    X(exit_no_drain)       /* io_wqe_worker: work still queued at EXIT is not run */               \
    X(dec_running_no_wake) /* io_wqe_dec_running: the last running worker wakes nobody */          \
    X(cancel_work_no_rcu)  /* io_wqe_cancel_work: the walk of the workers without RCU */           \
    X(hash_bit_kept)       /* io_worker_handle_work: a hashed work's bucket bit is not cleared */  \
    X(destroy_no_exit)     /* __io_wq_destroy: the workers are woken without EXIT set */           \
    X(free_req_keeps_ctx)  /* __io_free_req: the request's ctx reference is not put */             \
    /* Not a kernel bug: state that survives from one execution to the next (a static counter */   \
    /* in io_wq_create), which replay --repeat must notice. */                                     \
    X(leaky_state)

enum model_mutation : unsigned {
#define MODEL_MUTATION_ENUM(name) MUTANT_##name,
    MODEL_MUTATIONS(MODEL_MUTATION_ENUM)
#undef MODEL_MUTATION_ENUM
        MUTANT_count
};

#ifdef IOWQ_MUTANTS
bool model_mutant_on(model_mutation m);
#define MUTANT(m) model_mutant_on(MUTANT_##m)
#else
#define MUTANT(m) false
#endif
