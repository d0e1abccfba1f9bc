// fs/io-wq.h as of 24369c2e3bb0, and the structures fs/io-wq.c defines (kept here, not in
// io-wq.cc, so that the checks can look at them).
//
// Read it beside the kernel's: same names, same fields, same order. Fields other tasks touch
// without the owner's lock are model_shared<> (marked accesses, scheduling points); the rest
// are model_var<> (plain, race-checked). docs/model-mapping.md lists every deviation.
#pragma once

#include "model/linux/atomic.h"
#include "model/linux/completion.h"
#include "model/linux/compiler.h"
#include "model/linux/list.h"
#include "model/linux/mm.h"
#include "model/linux/rculist_nulls.h"
#include "model/linux/refcount.h"
#include "model/linux/sched.h"
#include "model/linux/sched_user.h"
#include "model/linux/spinlock.h"

// ---- fs/io-wq.h -------------------------------------------------------------------------------

enum {
    IO_WQ_WORK_CANCEL = 1,
    IO_WQ_WORK_HAS_MM = 2,
    IO_WQ_WORK_HASHED = 4,
    IO_WQ_WORK_UNBOUND = 32,
    IO_WQ_WORK_INTERNAL = 64,
    IO_WQ_WORK_CB = 128,
    IO_WQ_WORK_NO_CANCEL = 256,
    IO_WQ_WORK_CONCURRENT = 512,

    IO_WQ_HASH_SHIFT = 24,
};

enum io_wq_cancel {
    IO_WQ_CANCEL_OK,
    IO_WQ_CANCEL_RUNNING,
    IO_WQ_CANCEL_NOTFOUND,
};

struct io_wq_work_node {
    model_var<struct io_wq_work_node *> next;
};

struct io_wq_work_list {
    // Read without wqe->lock by wq_list_empty() (READ_ONCE in the kernel).
    model_shared<struct io_wq_work_node *> first;
    model_var<struct io_wq_work_node *> last;
};

void wq_list_add_tail(struct io_wq_work_node *node, struct io_wq_work_list *list);
void wq_node_del(struct io_wq_work_list *list, struct io_wq_work_node *node,
                 struct io_wq_work_node *prev);

#define wq_list_for_each(pos, prv, head)                                                           \
    for (pos = (head)->first.load(), prv = nullptr; pos; prv = pos, pos = (pos)->next)

#define wq_list_empty(list) (READ_ONCE((list)->first) == nullptr)
#define INIT_WQ_LIST(list)                                                                         \
    do {                                                                                           \
        (list)->first.store(nullptr);                                                              \
        (list)->last = nullptr;                                                                    \
    } while (0)

struct io_wq_work {
    struct io_wq_work_node list;
    model_var<void (*)(struct io_wq_work **)> func;
    model_var<struct files_struct *> files;
    model_var<struct mm_struct *> mm;
    model_var<const struct cred *> creds;
    model_var<unsigned> flags;
    model_var<int> task_pid;
};

#define INIT_IO_WORK(work, _func)                                                                  \
    do {                                                                                           \
        (work)->list.next = nullptr;                                                               \
        (work)->func = (_func);                                                                    \
        (work)->files = nullptr;                                                                   \
        (work)->mm = nullptr;                                                                      \
        (work)->creds = nullptr;                                                                   \
        (work)->flags = 0;                                                                         \
        (work)->task_pid = 0;                                                                      \
    } while (0)

typedef void(get_work_fn)(struct io_wq_work *);
typedef void(put_work_fn)(struct io_wq_work *);

struct io_wq_data {
    struct user_struct *user;

    get_work_fn *get_work;
    put_work_fn *put_work;
};

struct io_wq;

struct io_wq *io_wq_create(unsigned bounded, struct io_wq_data *data);
bool io_wq_get(struct io_wq *wq, struct io_wq_data *data);
void io_wq_destroy(struct io_wq *wq);

void io_wq_enqueue(struct io_wq *wq, struct io_wq_work *work);
void io_wq_enqueue_hashed(struct io_wq *wq, struct io_wq_work *work, void *val);
void io_wq_flush(struct io_wq *wq);

void io_wq_cancel_all(struct io_wq *wq);
enum io_wq_cancel io_wq_cancel_work(struct io_wq *wq, struct io_wq_work *cwork);
enum io_wq_cancel io_wq_cancel_pid(struct io_wq *wq, int pid);

typedef bool(work_cancel_fn)(struct io_wq_work *, void *);

// cancel_all: FIX(00c18640c243) needs 4f26bda1522c's argument (cancel every match, queued or
// running, instead of the first); this era's callers pass false.
enum io_wq_cancel io_wq_cancel_cb(struct io_wq *wq, work_cancel_fn *cancel, void *data,
                                  bool cancel_all);

// The scheduler's hooks (declared in model/linux/sched.h as kernel/sched/core.c sees them).
void io_wq_worker_sleeping(struct task_struct *);
void io_wq_worker_running(struct task_struct *);

// ---- the structures of fs/io-wq.c ---------------------------------------------------------------

#define WORKER_IDLE_TIMEOUT (5 * HZ)

enum {
    IO_WORKER_F_UP = 1,
    IO_WORKER_F_RUNNING = 2,
    IO_WORKER_F_FREE = 4,
    IO_WORKER_F_EXITING = 8,
    IO_WORKER_F_FIXED = 16,
    IO_WORKER_F_BOUND = 32,
};

enum {
    IO_WQ_BIT_EXIT = 0,
    IO_WQ_BIT_CANCEL = 1,
    IO_WQ_BIT_ERROR = 2,
};

enum {
    IO_WQE_FLAG_STALLED = 1,
};

struct io_wqe;

struct io_worker {
    refcount_t ref;
    // Only the worker changes its flags, once it runs (create_io_worker() sets them before).
    model_var<unsigned> flags;
    struct hlist_nulls_node nulls_node;
    struct list_head all_list;
    model_var<struct task_struct *> task;
    model_var<struct io_wqe *> wqe;

    // Read without worker->lock by io_wq_worker_cancel()'s first test.
    model_var<struct io_wq_work *> cur_work;
    spinlock_t lock;

    struct rcu_head rcu;
    model_var<struct mm_struct *> mm;
    model_var<const struct cred *> cur_creds;
    model_var<const struct cred *> saved_creds;
    model_var<struct files_struct *> restore_files;
};

#define IO_WQ_HASH_ORDER 6

struct io_wqe_acct {
    // Changed under wqe->lock; io_wqe_wake_worker() reads it without the lock.
    model_var<unsigned> nr_workers;
    model_var<unsigned> max_workers;
    atomic_t nr_running;
};

enum {
    IO_WQ_ACCT_BOUND,
    IO_WQ_ACCT_UNBOUND,
};

struct io_wqe {
    spinlock_t lock;
    struct io_wq_work_list work_list;
    model_var<unsigned long> hash_map;
    model_var<unsigned> flags;

    model_var<int> node;
    struct io_wqe_acct acct[2];

    struct hlist_nulls_head free_list;
    struct list_head all_list;

    model_var<struct io_wq *> wq;
};

struct io_wq {
    model_var<model_var<struct io_wqe *> *> wqes;
    model_shared<unsigned long> state;

    model_var<get_work_fn *> get_work;
    model_var<put_work_fn *> put_work;

    model_var<struct task_struct *> manager;
    model_var<struct user_struct *> user;
    refcount_t refs;
    struct completion done;

    refcount_t use_refs;
};
