// Stand-in for include/linux/sched.h (with the bits of sched/signal.h io-wq uses).
//
// A task is a Relacy thread. Its state follows the kernel's sleep/wake protocol exactly:
//   set_current_state(TASK_INTERRUPTIBLE); if (!cond) schedule();
// sleeps only if no wake_up_process() landed between the two; a wake that lands before
// set_current_state() is lost, as in the kernel. schedule() of a PF_IO_WORKER task calls
// io_wq_worker_sleeping() before it sleeps and io_wq_worker_running() after, where
// sched_submit_work() and sched_update_worker() do in kernel/sched/core.c.
//
// schedule_timeout(): whether the timer expires before a wake is a choice the search explores
// when the task goes to sleep; and if every task is asleep, a pending timer fires (a choice
// among the pending ones). Each task's timer may fire at most config::timeouts_per_task
// times per execution; beyond that the execution is abandoned as out of bounds.
#pragma once

#include <climits>

#include "model/linux/compiler.h"
#include "model/rt/rt.h"

#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_DEAD 0x0080

#define PF_EXITING 0x00000004
#define PF_IO_WORKER 0x00000010
#define PF_KTHREAD 0x00200000

#define TASK_COMM_LEN 16
#define MAX_SCHEDULE_TIMEOUT LONG_MAX
#define HZ 1000

#define SIGINT 2
#define SIGKILL 9

struct kthread;
struct files_struct;
struct mm_struct;
struct cred;
struct user_struct;

#define RLIMIT_NPROC 6

namespace model::rt {
// What the runtime keeps per task beside the kernel's fields.
struct task_rt {
    int index = -1;
    int rl_thread = -1;  // Relacy thread, once the task runs
    bool started = false;
    bool finished = false;
    park_kind parked = park_kind::none;
    const char *wait_reason = nullptr;
    const void *wait_obj = nullptr;
    bool timer_armed = false;  // asleep in schedule_timeout(), timer not yet fired
    bool timer_fired = false;
    // A wake-up found the task running (nothing to do) and it has not slept since: if it now
    // sleeps, it went to sleep after that wake-up (a stall oracle tells a lost wake-up by it).
    bool woken_while_running = false;
    int timeouts_left = 0;
    int rcu_nesting = 0;
    int nr_held = 0;
    const void *held[max_held_locks] = {};
    int irqs_off = 0;
    // preempt_disable() depth; a spinlock held or being spun for counts one (spin_lock()
    // disables preemption first). Such a region holds back RCU's grace period (model/rt/rcu.cc).
    int preempt_off = 0;
    // On its CPU: started, not finished, and not asleep (or woken but not yet run again). With
    // CONFIG_PREEMPT_NONE such a task holds back RCU's grace period.
    bool on_cpu = false;
    call_chain chain;
};
}  // namespace model::rt

struct task_struct {
    // Written by the task and by whoever wakes it (try_to_wake_up).
    rl::atomic<long> state;
    // PF_*; only the task itself changes its flags, as in the kernel.
    unsigned int flags = 0;
    int pid = 0;
    char comm[TASK_COMM_LEN] = {};
    // Pending signals, one bit per signal; non-zero is TIF_SIGPENDING.
    model_shared<unsigned long> pending;
    // Kernel threads ignore every signal they have not allowed.
    unsigned long allowed = 0;
    struct kthread *model_kthread = nullptr;
    // References (get_task_struct()). The task's own is dropped an RCU grace period after it
    // exits (a kernel thread's: the model's user tasks never exit while a kernel pointer to them
    // exists); the last put frees the task_struct and, for a kthread, its struct kthread. A
    // refcount_t in the kernel: each put releases, the last one acquires before the free.
    rl::atomic<int> usage;
    // MODEL: files/mm/creds are opaque tokens (model/linux/mm.h); io-wq only compares and
    // swaps these pointers.
    struct files_struct *files = nullptr;
    struct mm_struct *mm = nullptr;
    const struct cred *cred = nullptr;
    // Credentials and limits io-wq and io_uring look at: capable(), task_rlimit().
    struct user_struct *user = nullptr;  // current_user(): the cred's user, kept here
    unsigned long cap_effective = 0;
    unsigned long rlim_nproc = 4096;
    int numa_node = 0;
    model::rt::task_rt rt;

    task_struct();
    ~task_struct();
};

namespace model::rt {
// Every access to a task's state, as its footprint sees it (see footprint in rt.h).
inline long task_state_load(const task_struct *t)
{
    fp_note(&t->state, sizeof t->state, false);
    long v = t->state.load(rl::mo_seq_cst, here());
    state_read(static_cast<std::uint64_t>(v));
    return v;
}
inline void task_state_store(task_struct *t, long v)
{
    fp_note(&t->state, sizeof t->state, true);
    t->state.store(v, rl::mo_seq_cst, here());
}
}  // namespace model::rt

// The running task; setup and teardown run as the "init" task.
#define current (::model::rt::current_task())

// The kernel's macros: set_current_state() is a store followed by a full barrier (smp_store_mb),
// __set_current_state() a plain store by the task to its own state.
void model_set_current_state(long state);
void model___set_current_state(long state);
#define set_current_state(s) model_set_current_state(s)
#define __set_current_state(s) model___set_current_state(s)

void schedule(void);
long schedule_timeout(long timeout);
int wake_up_process(struct task_struct *p);
int wake_up_state(struct task_struct *p, unsigned int state);

// include/linux/sched/task.h: a reference on a task_struct, and its last put frees it.
void get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);
// The end of a kernel thread's do_exit(): release_task() (kthreadd reaps its children at once)
// and the final schedule() each drop one of rcu_users, and the second queues the put of the
// task's own reference after a grace period (delayed_put_task_struct()).
void model_release_task(struct task_struct *t);

unsigned long task_rlimit(const struct task_struct *task, unsigned int limit);
inline struct user_struct *current_user(void)
{
    return current->user;
}
inline int task_pid_vnr(struct task_struct *tsk)
{
    return tsk->pid;
}
int fatal_signal_pending(struct task_struct *p);

int send_sig(int sig, struct task_struct *p, int priv);
int signal_pending(struct task_struct *p);
void flush_signals(struct task_struct *t);
void allow_kernel_signal(int sig);

// MODEL: involuntary preemption is what every scheduling point already offers; cond_resched()
// adds nothing a search would not explore, and need_resched() is never set.
inline void cond_resched(void) {}
inline bool need_resched(void)
{
    return false;
}
inline void cpu_relax(void) {}

// The scheduler's calls into io-wq (kernel/sched/core.c calls these for PF_IO_WORKER tasks).
// Weak no-op definitions let the primitives run without io-wq; model/io-wq.cc, or a test,
// provides the real ones.
void io_wq_worker_sleeping(struct task_struct *tsk);
void io_wq_worker_running(struct task_struct *tsk);

// Creates a static task record (the checker's tasks are Relacy's static threads).
namespace model::rt {
task_struct *create_task(const char *comm, bool kthread);
void set_task_comm(task_struct *t, const char *comm);
}  // namespace model::rt
