// The list of scenarios, and the finding predicates they share.
#include <algorithm>

#include "checks/scenarios/base-attach-submit-teardown.h"
#include "checks/scenarios/cancel-walks-exiting-worker.h"
#include "checks/scenarios/hashed-writes-one-file.h"
#include "checks/scenarios/r1-manager-creates-worker-after-exit.h"
#include "checks/scenarios/r1n-two-nodes-running-after-free.h"
#include "checks/scenarios/r3-enqueue-gets-exiting-worker.h"
#include "checks/scenarios/r4-idle-worker-exits-with-work-queued.h"
#include "checks/scenarios/r6-attached-ring-work-cancelled.h"
#include "checks/scenarios/r7-attached-ring-outlives-user.h"
#include "checks/scenarios/r8-rlimit-nproc-zero-wake-worker.h"
#include "checks/scenarios/r8u-rlimit-nproc-zero-unprivileged.h"
#include "checks/scenarios/r9-exit-drain-unlinks-busy-worker.h"
#include "checks/scenarios/r10-manager-error-leaves-worker-asleep.h"
#include "checks/scenarios/r11-manager-wakes-freed-worker.h"
#include "checks/scenarios/r12-enqueue-gets-freed-worker.h"

namespace iowq {

bool kasan_on(const model::rt::finding &f, std::string_view type_a, std::string_view type_b)
{
    if (f.kind != model::rt::finding_kind::kasan || f.alloc < 0)
        return false;
    std::string_view t = model::rt::alloc_at(f.alloc).type->name;
    return t == type_a || (!type_b.empty() && t == type_b);
}

bool finding_in(const model::rt::finding &f, std::string_view function)
{
    return f.chain.contains(function);
}

bool on_struct(const model::rt::finding &f, std::string_view type)
{
    return f.alloc >= 0 && model::rt::alloc_at(f.alloc).type->name == type;
}

namespace {

// R11's race: a worker started early (an enqueue found it on the free list and woke it) runs
// io_worker_start() while create_io_worker() still writes its flags.
bool early_start_race(const model::rt::finding &f)
{
    return f.kind == model::rt::finding_kind::data_race && on_struct(f, "struct io_worker") &&
           (f.chain.contains("create_io_worker") || f.other.chain.contains("create_io_worker"));
}

// Whether the running execution reported R11's race on the worker the finding is about (any
// worker, for a finding not on one): then a corrupted free list is that race's work (R12).
// (Once the worker is freed no race on it can follow, so every such race came before.)
bool after_early_start_race(const model::rt::finding &f)
{
    for (int i = 0; i < model::rt::nr_findings(); i++) {
        const model::rt::finding &g = model::rt::finding_at(i);
        if (early_start_race(g) && (f.alloc < 0 || g.alloc == f.alloc))
            return true;
    }
    return false;
}

}  // namespace

const char *known_issue(const model::rt::finding &f)
{
    using model::rt::finding_kind;
    if (early_start_race(f))
        return "R11";
    if (kasan_on(f, "struct io_worker") && finding_in(f, "create_io_worker"))
        return "R11";
    // With c4068bf898dd: the early worker has exited and dropped the wq->refs reference that
    // create_io_worker() had not taken yet, so its refcount_inc() finds 0.
    if (f.kind == finding_kind::refcount && on_struct(f, "struct io_wq") &&
        finding_in(f, "create_io_worker"))
        return "R11";
    // R12: the race lost the worker's FREE flag, the worker stayed on the free list after it
    // was freed, and a use of the list reached it.
    if (kasan_on(f, "struct io_worker") && after_early_start_race(f))
        return "R12";
    // R12 with 83d6c39310b6, which walks the free list: a worker added to it twice points at
    // itself, and the walk never ends.
    if (f.kind == finding_kind::livelock && finding_in(f, "io_wqe_activate_free_worker") &&
        after_early_start_race(f))
        return "R12";
    // R12 with UP|RUNNING lost (r12b): the worker's nr_running is never given back, and an
    // enqueue that sees it wakes nobody.
    // R14: c4068bf898dd's manager walks the workers on ERROR after it dropped its wq->refs
    // reference: the last worker's exit can complete wq->done first, and io_wq_create() frees
    // the wq it walks (886d0137f104 fixes it).
    if (f.kind == finding_kind::kasan && f.alloc >= 0 && finding_in(f, "io_wq_manager") &&
        model::rt::alloc_at(f.alloc).free_chain.contains("io_wq_create"))
        return "R14";
    // R15: io-wq holds no reference on its manager's task_struct (5.12's io_wq_put_and_exit()
    // takes one): a wake of wq->manager from io_wqe_wake_worker() after __io_wq_destroy()'s
    // kthread_stop() reads a task_struct freed by the stop's put or the exit's delayed one.
    // (io_wqe_wake_worker()'s other wake, of a free worker, is under RCU with a reference.)
    if (kasan_on(f, "struct task_struct") && finding_in(f, "io_wqe_wake_worker"))
        return "R15";
    // R13: a kthread woken while it ran, before it set its sleep state, sleeps until its timer.
    if (f.kind == finding_kind::lost_wakeup &&
        (std::string_view(f.what) == scenario::r10_missed_create ||
         std::string_view(f.what) == scenario::r10_missed_destroy))
        return "R13";
    if (f.kind == finding_kind::lost_wakeup && std::string_view(f.what) == scenario::r12b_leak &&
        after_early_start_race(f))
        return "R12";
    // R12's accounting: the flags the race lost decide what io_worker_exit() and
    // __io_worker_busy() give back, so a count of the wqe (nr_workers, nr_running) or of the
    // wq is off when it is freed (the conservation oracle, docs/primitives.md).
    if (f.kind == finding_kind::leak &&
        f.sub == static_cast<std::uint8_t>(model::rt::leak_kind::counter) &&
        after_early_start_race(model::rt::finding{}))
        return "R12";
    // R7: the io-wq charges the user_struct of the ring that created it (wq->user, held by no
    // reference of its own) after that ring and its task are gone, for another user's ring
    // attached to it.
    if (kasan_on(f, "struct user_struct") &&
        (finding_in(f, "__io_worker_busy") || finding_in(f, "create_io_worker") ||
         finding_in(f, "io_worker_exit") || finding_in(f, "io_wq_can_queue")))
        return "R7";
    return nullptr;
}

namespace {

// A catalogue row: the scenario's own settings, and how to run its class L.
template <class L>
scenario_info row(scenario_info s)
{
    s.run = &run_scenario<L>;
    s.nr_tasks = L::nr_tasks;
    s.task_names = L::task_names;
    return s;
}

using namespace scenario;

constexpr const char *r10_verdict =
    "INFO: lost wake-up: io_wq_create waits for wq->done, and the worker that would complete it "
    "sleeps until its idle timeout: nobody woke it";

constexpr const char *r12b_verdict =
    "INFO: lost wake-up: work is queued and nr_running counts a sleeping worker";

// The catalogue: every scenario, in id order, with the verdicts it pins on each model version.
// They are written here and nowhere else: `iowq-check list` prints them, the verdict tests
// read them from there (tests/cli/pinned.sh), and docs/checker.md's table is checked against them
// (tests/cli/docs-table.sh). The comment above a row says why each verdict is what it is.
const scenario_info catalogue[] = {
    // buggy, parent: which access to the freed io_wqe comes first depends on the schedule; the
    // default search (random, seed 1) finds a read in io_wqe_worker. The bug needs the manager
    // preempted inside create_io_worker() while the destroyer waits in kthread_stop() and the
    // fixed worker, X's I/O done, runs Y and exits. patched: c4068bf898dd makes wq->refs count
    // the manager and every worker.
    row<r1_refs_complete_early>({
        .id = 1,
        .name = "r1-manager-creates-worker-after-exit",
        .question =
            "can __io_wq_destroy() free the io_wqe or io_wq while a worker still uses them?",
        .tasks = "submitter (create, queue X then Y); destroyer (last io_wq_destroy once Y runs); "
                 "io_wq_manager; the fixed worker; the late worker",
        .expect_buggy = "KASAN: use-after-free Read in io_wqe_worker",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "KASAN: use-after-free Read in io_wqe_worker",
        .focus = &r1_focus,
        .focus_text = "a KASAN use-after-free on a struct io_wqe or struct io_wq",
        .prologue = true,
        .search = search_kind::random,
        .executions = 400000,
    }),
    // buggy, patched, parent: io_worker_get() runs under rcu_read_lock() and the worker is
    // freed with kfree_rcu() after it left the free list under the lock. whatif-no-rcu frees
    // it with kfree(): the pattern RCU exists to prevent.
    row<r3_enqueue_gets_exiting_worker>({
        .id = 3,
        .name = "r3-enqueue-gets-exiting-worker",
        .question = "can io_wqe_activate_free_worker() take a reference on a freed worker?",
        .tasks = "submitter (create; queue X, Y, Z; release X; destroy); io_wq_manager; the fixed "
                 "worker; the unbound workers",
        .expect_buggy = "clean",
        .expect_patched = "clean",
        .expect_whatif = "KASAN: use-after-free Read in io_wq_for_each_worker",
        .expect_parent = "clean",
        .focus = &r3_focus,
        .focus_text = "a KASAN use-after-free on a struct io_worker in io_worker_get()",
        .timeouts_for = &kit::unbound_workers_time_out_once,
        .prologue = true,
        .bound = 1,
    }),
    // buggy, parent: io_wqe_activate_free_worker() counted the exiting worker as woken.
    // patched: 83d6c39310b6 counts only a worker really woken and has the exiting worker drop
    // its running count through io_wqe_dec_running(); 8b3e78b5955a has the manager asleep-to-be
    // while it scans, so a wake_up_process() during the scan is not lost either (83d6c39310b6
    // alone: the same lost wake-up, by the manager's own race).
    row<r4_idle_worker_exits>({
        .id = 4,
        .name = "r4-idle-worker-exits-with-work-queued",
        .question = "can queued work be left with nobody woken to run it?",
        .tasks = "submitter (create; queue X, Y, Z; wait for Z; release X; destroy); "
                 "io_wq_manager; the fixed worker; the unbound workers",
        .expect_buggy = "INFO: lost wake-up: work is queued and the manager was not woken",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "INFO: lost wake-up: work is queued and the manager was not woken",
        .focus = &r4_focus,
        .focus_text = "a lost wake-up",
        .timeouts_for = &kit::unbound_workers_time_out_once,
        .lost_wakeup = &r4_lost_wakeup,
        .prologue = true,
    }),
    // patched: 00c18640c243 has A's teardown cancel only A's requests. parent: there is no
    // IORING_SETUP_ATTACH_WQ, so B's setup fails.
    row<r6_attached_ring>({
        .id = 6,
        .name = "r6-attached-ring-work-cancelled",
        .question = "does ring A's teardown cancel the work ring B queues on the shared io-wq?",
        .tasks = "ring-a (setup, hand over, close); ring-b (attach, readv of a pipe after A's "
                 "close, check, close); io_wq_manager; the workers",
        .expect_buggy = "CHECK FAILED: ring B's read was cancelled by ring A's teardown",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "clean",
        .focus = &r6_focus,
        .focus_text = "the check of ring B's completion",
        .prologue = true,
        .bound = 1,
    }),
    // buggy, patched, whatif-no-rcu: io_wq_create() keeps the creating ring's user_struct in
    // wq->user without a reference of its own, and io_wq_get() lets a ring of another user
    // attach; once ring A's io_ring_ctx_free() and A's exit drop the last references, the fixed
    // worker that takes B's unbound work charges the freed user_struct in __io_worker_busy().
    // None of the era's fixes touches it; 5.12 removed the accounting and the attach. parent:
    // there is no IORING_SETUP_ATTACH_WQ, so B's setup fails.
    row<r7_attached_ring_outlives_user>({
        .id = 7,
        .name = "r7-attached-ring-outlives-user",
        .question = "can an io-wq worker charge ring A's freed user_struct for the work of ring "
                    "B, another user's ring attached to A's io-wq?",
        .tasks = "ring-a (uid 1000: setup, hand over, close, exit); ring-b (uid 1001: attach, "
                 "readv of a pipe after A's exit, wait, close); io_wq_manager; the workers",
        .expect_buggy = "KASAN: use-after-free Write in __io_worker_busy",
        .expect_patched = "KASAN: use-after-free Write in __io_worker_busy",
        .expect_whatif = "KASAN: use-after-free Write in __io_worker_busy",
        .expect_parent = "clean",
        .focus = &r7_focus,
        .focus_text = "a KASAN report on a struct user_struct",
        .prologue = true,
        .bound = 1,
    }),
    // buggy, parent: reached by io_uring_enter -> io_submit_sqes -> io_submit_sqe ->
    // io_queue_sqe -> __io_queue_sqe -> io_queue_async_work -> io_wq_enqueue -> io_wqe_enqueue
    // -> io_wqe_wake_worker; the WARN predates 24369c2e. patched: e6ab8991c5d0 makes it a
    // pr_warn_once.
    row<r8_rlimit_nproc_zero>({
        .id = 8,
        .name = "r8-rlimit-nproc-zero-wake-worker",
        .question =
            "can userspace reach the WARN_ON_ONCE(!acct->max_workers) in io_wqe_wake_worker?",
        .tasks = "syz-executor (RLIMIT_NPROC=0, CAP_SYS_ADMIN: setup, readv of a pipe, close); "
                 "io_wq_manager; the fixed worker",
        .expect_buggy = "WARNING in io_wqe_wake_worker",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "WARNING in io_wqe_wake_worker",
        .focus = &r8_focus,
        .focus_text = "the WARNING in io_wqe_wake_worker",
        .prologue = true,
        .bound = 1,
    }),
    // patched: bf1daa4bfc77 unlinks only a worker that is on the free list. Through io_uring
    // this cannot happen in v5.6 (a ring's teardown waits for its requests before it destroys
    // the wq); io-wq's EXIT drain exists for exactly this situation.
    row<r9_exit_drain>({
        .id = 9,
        .name = "r9-exit-drain-unlinks-busy-worker",
        .question = "can io_worker_exit() unlink a worker the EXIT drain took off the free list?",
        .tasks = "submitter (io_wq_create, queue one work item, io_wq_destroy); io_wq_manager; "
                 "the fixed worker",
        .expect_buggy = "BUG: unable to handle kernel NULL pointer dereference in io_worker_exit",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "BUG: unable to handle kernel NULL pointer dereference in io_worker_exit",
        .focus = &r9_focus,
        .focus_text = "the NULL pointer write in io_worker_exit",
        .prologue = true,
    }),
    // buggy, parent: the manager's error path marks the wq ERROR and EXIT and drops the
    // references of the nodes left without a worker, but wakes no worker: node 0's fixed worker
    // sleeps until its idle timeout (5 s) before it sees EXIT, exits and completes wq->done.
    // patched: c4068bf898dd's manager wakes every worker on ERROR. A wake-up that finds the
    // worker running, before it sets its sleep state, is still lost on every version (the
    // known issue R13).
    row<r10_manager_error>({
        .id = 10,
        .name = "r10-manager-error-leaves-worker-asleep",
        .question = "when creating a node's fixed worker fails, does io_wq_create return without "
                    "waiting for another worker's idle timeout?",
        .tasks = "syz-executor (two NUMA nodes; setup, with one allocation or kthread creation in "
                 "create_io_worker failing; close); io_wq_manager; a fixed worker per node",
        .expect_buggy = r10_verdict,
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = r10_verdict,
        .focus = &r10_focus,
        .focus_text = "io_wq_create waiting for an idle timeout nobody cut short",
        .nodes = 2,
        .timeouts_per_task = 1,
        .lost_wakeup = &r10_stall,
        .fail_in = "create_io_worker",
        .faults = 1,
        .bound = 1,
    }),
    // Every version: none of the era's fixes touches this window; the 5.12 rewrite of worker
    // creation (create_io_thread(), woken by wake_up_new_task() through the creator's own
    // pointer) closed it [inference: the 5.12 code was not read for this].
    row<r11_manager_wakes_freed_worker>({
        .id = 11,
        .name = "r11-manager-wakes-freed-worker",
        .question = "can create_io_worker() read a worker that has already exited and been freed?",
        .tasks = "submitter (create; queue X, Y, Z; release X; destroy); io_wq_manager; the fixed "
                 "worker; the unbound worker",
        .expect_buggy = "KASAN: use-after-free Read in create_io_worker",
        .expect_patched = "KASAN: use-after-free Read in create_io_worker",
        .expect_whatif = "KASAN: use-after-free Read in create_io_worker",
        .expect_parent = "KASAN: use-after-free Read in create_io_worker",
        .focus = &r11_focus,
        .focus_text = "a KASAN use-after-free on a struct io_worker in create_io_worker()",
        .timeouts_for = &kit::unbound_workers_time_out_once,
        .prologue = true,
    }),
    // Every version, after the KCSAN race: the known issue R12, which none of the era's fixes
    // touches (whatif-no-rcu frees the worker at once instead of after the grace period; the
    // random walk's first finding there is the same freed read, docs/findings.md "Pins that
    // moved on 2026-12-02"). patched,d9b46f91b8fd: clean, the worker's
    // flags are set before it is published, so there is no race to lose an update.
    row<r12_enqueue_gets_freed_worker>({
        .id = 12,
        .name = "r12-enqueue-gets-freed-worker",
        .question = "can a submission's io_wqe_activate_free_worker() take a reference on a "
                    "worker that has exited and been freed?",
        .tasks = "syz (setup; readv of an empty pipe; two async readvs; wait; sleep; readv; "
                 "close); io_wq_manager; the workers",
        .expect_buggy = "KASAN: use-after-free Read in io_wqe_wake_worker",
        .expect_patched = "KASAN: use-after-free Read in io_wqe_wake_worker",
        .expect_whatif = "KASAN: use-after-free Read in io_wqe_wake_worker",
        .expect_parent = "KASAN: use-after-free Read in io_wqe_wake_worker",
        .focus = &r12_focus,
        .focus_text = "a KASAN use-after-free on a struct io_worker in io_worker_get()",
        .timeouts_for = &r12_timeouts,
        .prologue = true,
        .search = search_kind::random,
        .executions = 200000,
    }),
    // Every version, after the KCSAN race: the known issue R12 losing UP|RUNNING instead of
    // FREE. patched,d9b46f91b8fd: clean.
    row<r12b_running_count_leaks>({
        .id = 13,
        .name = "r12b-enqueue-wakes-nobody",
        .question = "can work be queued while every worker sleeps and nr_running says one runs, "
                    "so that the enqueue wakes nobody?",
        .tasks = "syz (setup; readv of an empty pipe; two async readvs; wait; sleep; readv; wait; "
                 "close); io_wq_manager; the workers",
        .expect_buggy = r12b_verdict,
        .expect_patched = r12b_verdict,
        .expect_whatif = r12b_verdict,
        .expect_parent = r12b_verdict,
        .focus = &r12b_focus,
        .focus_text = "a lost wake-up by a leaked nr_running",
        .timeouts_for = &r12_timeouts,
        .lost_wakeup = &r12b_lost_wakeup,
        .prologue = true,
        .search = search_kind::random,
        .executions = 200000,
    }),
    // buggy, parent: io_wq_can_queue() refuses unbound work only while no worker is free; when
    // the fixed worker is on the free list (it has not taken the file read yet, or has already
    // finished it) the read of the pipe is queued and reaches the WARN, without privileges.
    // Otherwise it is cancelled early and completes with -ECANCELED, which the check accepts.
    // patched: e6ab8991c5d0 makes the WARN a pr_warn_once.
    row<r8u_rlimit_nproc_zero_unprivileged>({
        .id = 14,
        .name = "r8u-rlimit-nproc-zero-unprivileged",
        .question = "without CAP_SYS_RESOURCE or CAP_SYS_ADMIN, can unbound work that io-wq may "
                    "not run reach the WARN_ON_ONCE(!acct->max_workers) in io_wqe_wake_worker "
                    "instead of being cancelled early?",
        .tasks = "syz-executor (RLIMIT_NPROC=0, no capabilities: setup, async readv of a regular "
                 "file, sleep, readv of a pipe, wait for both, check, close); io_wq_manager; the "
                 "fixed worker",
        .expect_buggy = "WARNING in io_wqe_wake_worker",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "WARNING in io_wqe_wake_worker",
        .focus = &r8u_focus,
        .focus_text = "the WARNING in io_wqe_wake_worker, and the check of the two completions",
        .timeouts_for = &r8u_timeouts,
        .prologue = true,
        .bound = 1,
    }),
    // buggy, parent: R1 with two NUMA nodes, through io_uring. The manager, woken by the second
    // read of the pipe, is inside create_io_worker() when the teardown sets EXIT; node 0's fixed
    // worker exits first (node 0's first count to zero), and the late workers' exits are the
    // second: wq->done completes with node 1's fixed worker asleep in schedule_timeout().
    // __io_wq_destroy() wakes it and frees the io_wqes; its io_wq_worker_running() writes to
    // node 1's: syzbot's title, as atomic_inc and io_wqe_inc_running are inlined there. patched:
    // c4068bf898dd makes wq->refs count the manager and every worker. whatif-no-rcu: clean, exit
    // 1: __io_wq_destroy()'s walk of all_list reads a late worker that kfree() freed as it
    // exited (KASAN in io_wq_for_each_worker, outside the focus), in 7,264 of the executions.
    row<r1n_two_nodes>({
        .id = 15,
        .name = "r1n-two-nodes-running-after-free",
        .question = "on two NUMA nodes, can __io_wq_destroy() free node 1's io_wqe while its idle "
                    "worker sleeps in schedule_timeout(), so that its wake-up writes to it?",
        .tasks = "syz-executor (two NUMA nodes: setup, sleep, readv of an empty pipe, sleep, "
                 "another, close); io_wq_manager; a fixed worker per node; the workers of node 0",
        .expect_buggy = "KASAN: use-after-free Write in io_wq_worker_running",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "KASAN: use-after-free Write in io_wq_worker_running",
        .focus = &r1n_focus,
        .focus_text = "a KASAN use-after-free write on a struct io_wqe in io_wq_worker_running, "
                      "from schedule_timeout",
        .nodes = 2,
        .timeouts_for = &r1n_timeouts,
        .prologue = true,
        .search = search_kind::random,
        .executions = 200000,
    }),
    // buggy, patched, parent: every walk of the workers holds rcu_read_lock(), and an exiting
    // worker is freed by kfree_rcu() after it left all_list under wqe->lock: a walk that took
    // it before that still reads it safely, and a cancel's SIGINT that cuts short the exiting
    // worker's wait for the walk's reference is harmless for the same reason. The manager's
    // early start of the unbound worker (the known issue R11) is reached outside the focus at
    // bound 2 on every version. whatif-no-rcu: kfree() frees the worker under the walk.
    row<cancel_walks_exiting_worker>({
        .id = 16,
        .name = "cancel-walks-exiting-worker",
        .question = "can io_wq_cancel_work(), io_wq_cancel_pid() or io_wq_cancel_all() reach a "
                    "worker that has exited and been freed while they walk the workers?",
        .tasks = "submitter (create; queue X, Y; once Y is done: cancel Y, cancel by pid, cancel "
                 "all; release X; destroy); io_wq_manager; the fixed worker; the unbound workers",
        .expect_buggy = "clean",
        .expect_patched = "clean",
        .expect_whatif = "KASAN: use-after-free Read in io_wq_for_each_worker",
        .expect_parent = "clean",
        .focus = &cancel_focus,
        .focus_text = "a KASAN report on a struct io_worker or struct task_struct in a cancel",
        .timeouts_for = &kit::unbound_workers_time_out_once,
        .prologue = true,
    }),
    // Every version: the worker that takes a bucket's work sets its bit and clears it, with
    // STALLED, when the work is done, and then takes the bucket's next work itself; a worker
    // that finds only work held back by its bucket marks the wqe STALLED and idles.
    // whatif-no-rcu: clean, exit 1 (teardown's walk of all_list reads a freed worker, outside
    // the focus). Bound 2 does not complete in four minutes (over 2 million executions).
    row<hashed_writes_one_file>({
        .id = 17,
        .name = "hashed-writes-one-file",
        .question = "do two writes to one regular file, hashed to one bucket, both run, or can "
                    "the second wait for good behind a bucket nobody clears?",
        .tasks = "syz-executor (setup; two IOSQE_ASYNC writevs of one regular file; wait for "
                 "both; check; close); io_wq_manager; the bound workers",
        .expect_buggy = "clean",
        .expect_patched = "clean",
        .expect_whatif = "clean",
        .expect_parent = "clean",
        .focus = &hashed_focus,
        .focus_text = "the check of the two completions, and a lost wake-up",
        .timeouts_for = &hashed_timeouts,
        .prologue = true,
        .bound = 1,
    }),
    // patched: a test that the checker does not cry wolf. buggy, parent: R1 through io_uring.
    // The manager, woken when the fixed worker moved to the unbound count with work still
    // queued, is inside create_io_worker() when the last teardown starts; the fixed worker
    // exits first and completes wq->done, and the late worker's exit takes wq->refs below zero
    // (c4068bf898dd fixes it). whatif-no-rcu: without RCU, teardown's walk of all_list reads a
    // worker that kfree() freed (docs/findings.md).
    row<base_attach_submit_teardown>({
        .id = 100,
        .name = "base-attach-submit-teardown",
        .question = "does the checker stay quiet on a plain attach, submit and teardown?",
        .tasks = "ring-a (setup, readv + async nop, close); ring-b (attach, the same, close); "
                 "io_wq_manager; the workers",
        .expect_buggy = "WARNING: refcount bug in io_worker_exit",
        .expect_patched = "clean",
        .expect_whatif = "KASAN: use-after-free Read in io_wq_for_each_worker",
        .expect_parent = "WARNING: refcount bug in io_worker_exit",
        .focus = &base_focus,
        .focus_text = "every finding but the known issues R11 and R12",
        .timeouts_per_task = 0,
        .prologue = true,
        .search = search_kind::random,
        .bound = 1,
        .executions = 200000,
    }),
};

}  // namespace

const std::vector<const scenario_info *> &scenarios()
{
    static const std::vector<const scenario_info *> all = [] {
        std::vector<const scenario_info *> v;
        for (const scenario_info &s : catalogue)
            v.push_back(&s);
        return v;
    }();
    return all;
}

const scenario_info *find_scenario(std::string_view name)
{
    for (const scenario_info *s : scenarios())
        if (name == s->name)
            return s;
    // A unique prefix will do ("r1", "r8-rlimit").
    const scenario_info *found = nullptr;
    for (const scenario_info *s : scenarios()) {
        if (std::string_view(s->name).substr(0, name.size()) == name &&
            (name.size() == std::string_view(s->name).size() || s->name[name.size()] == '-')) {
            if (found)
                return nullptr;
            found = s;
        }
    }
    return found;
}

const scenario_info *find_scenario_id(std::uint8_t id)
{
    for (const scenario_info *s : scenarios())
        if (s->id == id)
            return s;
    return nullptr;
}

namespace scenario {

namespace {

// For the oracles below, called with every task parked: the account of the first work queued on
// wqe, if it is runnable (queued and the wqe not stalled); nullptr otherwise.
struct io_wqe_acct *queued_work_acct(struct io_wqe *wqe)
{
    struct io_wq_work_node *first = wqe->work_list.first.load_locked();
    if (!first || (wqe->flags.racy_load() & IO_WQE_FLAG_STALLED))
        return nullptr;
    struct io_wq_work *work = container_of(first, struct io_wq_work, list);
    return &wqe->acct[(work->flags.racy_load() & IO_WQ_WORK_UNBOUND) ? IO_WQ_ACCT_UNBOUND
                                                                     : IO_WQ_ACCT_BOUND];
}

// The same for wq's first node.
struct io_wqe_acct *queued_work_acct(struct io_wq *wq)
{
    return wq ? queued_work_acct(wq->wqes.racy_load()[0].racy_load()) : nullptr;
}

// For the hashed work (issue 17, item 3), with every task parked: a bucket's bit in
// wqe->hash_map is set by the worker that takes the bucket's work and cleared by it, under
// wqe->lock, when the work is done; so a bit is held only by a busy worker (one on all_list and
// off the free list). A message if work queued on wqe waits for good behind a bucket no worker
// holds.
const char *hashed_work_stuck(struct io_wqe *wqe)
{
    unsigned long map = wqe->hash_map.racy_load();
    bool held_bucket = false;
    for (struct io_wq_work_node *n = wqe->work_list.first.load_locked(); n;
         n = n->next.racy_load()) {
        struct io_wq_work *work = container_of(n, struct io_wq_work, list);
        unsigned flags = work->flags.racy_load();
        held_bucket |= (flags & IO_WQ_WORK_HASHED) && (map & BIT_ULL(flags >> IO_WQ_HASH_SHIFT));
    }
    if (!held_bucket)
        return nullptr;
    struct list_head *head = &wqe->all_list;
    for (struct list_head *p = head->next.load_locked(); p != head; p = p->next.load_locked()) {
        struct io_worker *worker = container_of(p, struct io_worker, all_list);
        if (!(worker->flags.racy_load() & IO_WORKER_F_FREE))
            return nullptr;
    }
    return io_wq_hashed_bucket_orphaned;
}

// Whether p points into a heap object that is still allocated.
bool live_object(const void *p)
{
    std::uintptr_t off = model::rt::arena_offset(p);
    if (off == UINTPTR_MAX)
        return false;
    int idx = model::rt::alloc_of(off);
    return idx >= 0 && model::rt::alloc_at(idx).state == model::rt::alloc_state::live;
}

}  // namespace
}  // namespace scenario

const char *io_wq_lost_wakeup()
{
    using scenario::live_object;
    using scenario::queued_work_acct;
    for (int i = 0; i < model::rt::nr_allocs(); i++) {
        const model::rt::alloc_rec &a = model::rt::alloc_at(i);
        if (a.state != model::rt::alloc_state::live ||
            std::string_view(a.type->name) != "struct io_wqe")
            continue;
        auto *wqe = reinterpret_cast<struct io_wqe *>(model::rt::g_arena_base + a.off);
        struct io_wq *wq = wqe->wq.racy_load();
        // Teardown: from EXIT on, the workers leave and nobody is meant to take new work.
        if (!live_object(wq) || (wq->state.model_peek() & (1ul << IO_WQ_BIT_EXIT)))
            continue;
        if (const char *why = scenario::hashed_work_stuck(wqe))
            return why;
        struct io_wqe_acct *acct = queued_work_acct(wqe);
        if (!acct)
            continue;
        if (!is_a_nulls(wqe->free_list.first.load_locked()))
            return io_wq_free_worker_not_woken;
        if (acct->nr_running.counter.load_locked() != 0)
            return scenario::r12b_leak;
        if (acct->nr_workers.racy_load() < acct->max_workers.racy_load())
            return io_wq_manager_not_woken;
    }
    return nullptr;
}

namespace {

// Whether firing t's timer changes nothing: t sleeps in schedule_timeout() called right from
// the manager's loop, with no worker to create on any wqe and no kthread_stop() pending, or right
// from a fixed worker's idle loop, with nothing queued on its wqe and no EXIT on its wq. Either
// then only takes its lock, finds what it found, and sleeps again. Anything else may help.
bool timer_changes_nothing(task_struct *t)
{
    using scenario::live_object;
    const model::rt::call_chain &c = t->rt.chain;
    int d = c.depth > model::rt::max_depth ? model::rt::max_depth : c.depth;
    if (!(t->flags & PF_KTHREAD) || !t->model_kthread || d < 2 ||
        std::string_view(c.frame[d - 1]) != "schedule_timeout")
        return false;
    std::string_view caller = c.frame[d - 2];
    void *data = t->model_kthread->data;
    if (caller == "io_wq_manager") {
        if (t->model_kthread->flags.load_locked() & (1ul << KTHREAD_SHOULD_STOP))
            return false;
        for (int i = 0; i < model::rt::nr_allocs(); i++) {
            const model::rt::alloc_rec &a = model::rt::alloc_at(i);
            if (a.state != model::rt::alloc_state::live ||
                std::string_view(a.type->name) != "struct io_wqe")
                continue;
            auto *wqe = reinterpret_cast<struct io_wqe *>(model::rt::g_arena_base + a.off);
            // io_wqe_need_worker() for either account: a free worker, or nothing runnable, and
            // the manager creates none.
            bool runnable = wqe->work_list.first.load_locked() &&
                            !(wqe->flags.racy_load() & IO_WQE_FLAG_STALLED);
            if (!runnable || !is_a_nulls(wqe->free_list.first.load_locked()))
                continue;
            for (const struct io_wqe_acct &acct : wqe->acct)
                if (acct.nr_workers.racy_load() < acct.max_workers.racy_load())
                    return false;
        }
        return true;
    }
    if (caller == "io_wqe_worker") {
        auto *worker = static_cast<struct io_worker *>(data);
        if (!live_object(worker) || !(worker->flags.racy_load() & IO_WORKER_F_FIXED))
            return false;
        struct io_wqe *wqe = worker->wqe.racy_load();
        struct io_wq *wq = live_object(wqe) ? wqe->wq.racy_load() : nullptr;
        return live_object(wq) && !(wq->state.model_peek() & (1ul << IO_WQ_BIT_EXIT)) &&
               !wqe->work_list.first.load_locked();
    }
    return false;
}

}  // namespace

int io_wq_blocked_for_good()
{
    int blocked = -1;
    for (int i = 1; i < model::rt::nr_tasks(); i++) {
        task_struct *t = model::rt::task_at(i);
        if (!t->rt.started || t->rt.finished)
            continue;
        if (t->rt.parked == model::rt::park_kind::none)
            return -1;
        if (t->rt.timer_armed) {
            if (!timer_changes_nothing(t))
                return -1;
        } else if (!(t->flags & PF_KTHREAD) && blocked < 0) {
            blocked = i;
        }
    }
    return blocked;
}

namespace scenario {

// R4's oracle: every task is parked and a timer is pending. Runnable work on the wqe with a
// free worker asleep, or with no free worker while the work's account may still grow, waits
// only for that timer.
const char *r4_lost_wakeup()
{
    r4_idle_worker_exits *l = r4_idle_worker_exits::current_run;
    struct io_wq *wq = l ? l->wq.load_locked() : nullptr;
    struct io_wqe_acct *acct = queued_work_acct(wq);
    if (!acct)
        return nullptr;
    if (!is_a_nulls(wq->wqes.racy_load()[0].racy_load()->free_list.first.load_locked()))
        return io_wq_free_worker_not_woken;
    if (acct->nr_workers.racy_load() < acct->max_workers.racy_load())
        return io_wq_manager_not_woken;
    return nullptr;
}

const char *r10_stall()
{
    task_struct *user = kit::task_of(0);
    bool create = user->rt.chain.contains("io_wq_create");
    if (!create && !user->rt.chain.contains("io_wq_destroy"))
        return nullptr;
    if (user->rt.parked == model::rt::park_kind::none || user->rt.finished)
        return nullptr;
    bool missed = false;
    for (int i = 0; i < model::rt::nr_tasks(); i++) {
        task_struct *t = model::rt::task_at(i);
        missed |= (t->flags & PF_KTHREAD) && t->rt.timer_armed && t->rt.woken_while_running;
    }
    if (create)
        return missed ? r10_missed_create : r10_nobody_woke;
    return missed ? r10_missed_destroy : r10_nobody_woke_destroy;
}

// R12b's oracle: every task is parked and a timer is pending. Nobody runs, so an account whose
// nr_running is not 0 has leaked it; work queued for it was not woken because of that.
const char *r12b_lost_wakeup()
{
    r12b_running_count_leaks *l = r12b_running_count_leaks::current_run;
    struct io_wqe_acct *acct = queued_work_acct(l ? l->wq.load_locked() : nullptr);
    if (!acct || acct->nr_running.counter.load_locked() == 0)
        return nullptr;
    return r12b_leak;
}

}  // namespace scenario
}  // namespace iowq
