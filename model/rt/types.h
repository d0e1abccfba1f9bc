// The runtime's plain data: what an execution leaves behind for the report printers. No
// Relacy here, so that code which only reads these (printers, codecs) builds and runs outside
// Relacy's fibers, under the sanitizers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace model::rt {

inline constexpr int max_tasks = 32;
inline constexpr int max_depth = 24;
inline constexpr int max_allocs = 1024;
inline constexpr int max_findings = 64;
inline constexpr int max_events = 16384;
inline constexpr int max_rcu_callbacks = 256;
inline constexpr int max_held_locks = 8;
inline constexpr int max_warn_sites = 64;
inline constexpr int max_conserved = 256;
inline constexpr int max_works = 256;

// Reports show heap addresses as a kernel's direct map would: a fixed base plus the object's
// offset in the execution's arena, so that the same schedule prints the same addresses.
inline constexpr std::uintptr_t report_heap_base = 0xffff888100000000ull;
inline constexpr std::uintptr_t poison_pointer_delta = 0xdead000000000000ull;

struct call_chain {
    const char *frame[max_depth];
    int depth = 0;

    const char *innermost() const { return depth ? frame[depth - 1] : "?"; }
    bool contains(std::string_view f) const;
};

enum class finding_kind : std::uint8_t {
    kasan,         // use-after-free, slab-out-of-bounds, double-free, invalid-free
    null_deref,    // BUG: kernel NULL pointer dereference
    gpf,           // general protection fault (a poisoned or non-canonical pointer)
    refcount,      // refcount_warn_saturate
    warn,          // WARN_ON and friends
    bug,           // BUG_ON
    lockdep,       // lock or RCU discipline broken (lockdep / PROVE_RCU would say so)
    sleep_atomic,  // BUG: scheduling while atomic
    hang,          // every task blocked, no timer left to fire
    lost_wakeup,   // only a timeout can make progress while work is pending
    leak,          // kmemleak: an object still allocated when the execution ends
    data_race,     // two unordered accesses to a plain field, one a write
    uninit,        // read of a field that kmalloc left uninitialised
    livelock,      // an execution longer than the depth limit
    check,         // a scenario's own check of what userspace saw failed
    work,          // an io-wq work item not completed exactly once (work_bug)
    other,         // any other failure Relacy reported
};

enum class kasan_bug : std::uint8_t { use_after_free, out_of_bounds, double_free, invalid_free };

// How a plain access touched its field, as KCSAN names it: a read, a write, or one half of a
// read-modify-write (`x |= y`: the model splits it into a read and a later write, as C does).
enum class access_op : std::uint8_t { read, write, read_write };

// The other access of a data race: who made it, where, and the value it read or wrote.
struct race_access {
    int task = -1;
    call_chain chain;  // the full chain in a recorded execution; the innermost frame otherwise
    access_op op = access_op::read;
    std::uint64_t value = 0;
};

enum class refcount_event : std::uint8_t {
    add_not_zero_ovf,
    add_ovf,
    add_uaf,
    sub_uaf,
    dec_leak,
};

// The completion oracle (work_handed(), work_completing()): a work item handed to io-wq that
// is never completed (neither run nor cancelled) before it is freed or the execution ends, one
// completed twice, and one handed over again while it is still pending.
enum class work_bug : std::uint8_t { never_completed, completed_twice, queued_twice };

// A leak is an object no one references at the end, kernel threads no one will stop, or a
// counter that is not back at its starting value when its object is freed (conserve()).
enum class leak_kind : std::uint8_t { object, kthread, counter };

// The `what` of a hang found while timers were still pending (config::blocked_for_good).
inline constexpr const char *hang_hidden_by_timers =
    "blocked for good: no timer still pending can wake it";

struct finding {
    finding_kind kind;
    std::uint8_t sub = 0;  // kasan_bug, refcount_event, leak_kind or work_bug
    bool is_write = false;
    bool fatal = false;
    // KASAN, found as a race: the access was not ordered before the free, so a schedule that
    // runs the free first exists. chain holds the accessing function only.
    bool race = false;
    // Whether the finding answers the question the search asks (config::until, config::focus).
    bool in_focus = true;
    int task = -1;  // index into the task table
    call_chain chain;
    const char *what = "";    // static text: a message or a condition
    const char *object = "";  // static text: the lock or object concerned, if any
    const char *file = "";    // model source of a WARN/BUG site
    int line = 0;
    std::uintptr_t addr = 0;  // arena offset (kasan) or faulting address (oops)
    std::uint32_t size = 0;
    int alloc = -1;  // index of the allocation the address belongs to
    // A data race (KCSAN): how this access touched the field, the value the field held before
    // it and after it, and the earlier access it races with.
    access_op op = access_op::read;
    // Also a leaked counter (leak_kind::counter): its value at set-up, and at the free (at_free)
    // or the execution's end. A work never completed: at_free if its object was freed.
    std::uint64_t value_before = 0, value_after = 0;
    bool at_free = false;
    // The other access of a data race; of a work completed or queued twice, the first time.
    race_access other{};
};

enum class alloc_state : std::uint8_t { live, rcu_pending, freed };

struct type_desc {
    const char *name;  // e.g. "struct io_wqe"
    std::size_t size;  // sizeof in the model
    void (*destroy)(void *, std::size_t count);
};

struct alloc_rec {
    std::uintptr_t off;   // arena offset of the object
    std::uint32_t bytes;  // object bytes
    std::uint32_t count;  // number of elements (kcalloc)
    const type_desc *type;
    bool internal;  // runtime-owned (task_struct, ...): never leak-checked
    alloc_state state;
    int alloc_task;
    call_chain alloc_chain;
    int free_task = -1;
    call_chain free_chain;
    int rcu_task = -1;  // who called kfree_rcu/call_rcu, if the free was deferred
    call_chain rcu_chain;
    // Freed by an RCU callback: the tasks (bit per task index) that were running kernel code
    // outside any read-side region when its grace period began and did not leave their CPU
    // before it ended. Under CONFIG_PREEMPT_NONE the grace period would have waited for them,
    // so a use-after-free by one of them needs a preemptible kernel (rcu.cc).
    std::uint64_t preempt_only = 0;
};

enum class park_kind : std::uint8_t { none, sleep, spin };

// The model's stand-in for an RCU callback.
struct rcu_cb {
    void (*func)(void *);
    void *arg;
    std::uint64_t waiting_for;  // tasks whose pre-existing read-side sections must end
    int queued_by;
    std::uint64_t on_cpu = 0;  // tasks on their CPU, outside any region, since it was queued
};

enum class event_kind : std::uint8_t {
    value,   // an atomic, refcount or bit changed: before -> after
    state,   // a task set its own state: after is the new state
    sleep,   // a task went to sleep
    wake,    // a task woke another (target); after: 1 if it was asleep
    timer,   // a task's timer fired (target)
    signal,  // a signal was sent (target)
    lock,    // a lock was taken (expr: its name)
    unlock,  // and released
    alloc,   // an object was allocated (expr: its type), after: its size
    free,    // an object was freed, or queued to be freed after a grace period
    create,  // a kthread was created (target)
    race,    // a plain access that races (a data race), or a store that lost an update
    other,
};

struct event {
    int task;
    call_chain chain;  // where the task was
    event_kind kind;
    const char *op;      // e.g. "refcount_dec_and_test"
    const char *expr;    // the argument as the code wrote it, e.g. "&worker->ref", or ""
    std::uintptr_t obj;  // report address of the object, 0 if none
    long before;
    long after;
    int target;  // the other task concerned, or -1
    // The scheduling decisions the search had taken when the event happened (g_decision_hook),
    // or -1: the event belongs to the run of the task that decision - 1 chose. A report marks
    // the preemptions of its schedule with it.
    int decision;
};

// What the checker sets before an execution.
struct config {
    bool multi_shot = false;  // keep going after a report, as kasan_multi_shot does
    // The search's question. A finding stops the search only if it is in focus: its call chain
    // contains `until` (if set) and `focus` accepts it (if set). A finding out of focus is
    // handed to `off_focus` and ends only its execution; the search goes on.
    // The callbacks get back the cookie set with them: `cookie` is the checker's (the
    // scenario: focus, timeouts_for, on_quiescence), `off_focus_cookie` the runner's (where it
    // keeps the run's first finding out of focus).
    const char *until = nullptr;
    bool (*focus)(const finding &f, const void *cookie) = nullptr;
    void (*off_focus)(const finding &f, void *off_focus_cookie) = nullptr;
    void *off_focus_cookie = nullptr;
    // How many times the timer of a task with this name may fire; nullptr: timeouts_per_task.
    int (*timeouts_for)(const char *comm, const void *cookie) = nullptr;
    int timeouts_per_task = 2;  // how many times one task's timer may fire
    int max_kthreads = 0;       // the scenario's Relacy dynamic thread count
    // Fault injection, as the kernel's fail-nth: how many allocations or kthread creations of
    // one execution the search may make fail, and which may (`site` is the model function that
    // calls kzalloc_node(), kthread_create_on_node() and the like); 0 or nullptr: none.
    int faults = 0;
    bool (*may_fail)(const char *site, const void *cookie) = nullptr;
    // Scheduling points one execution may take before a task that never leaves a loop is
    // reported (a soft lockup); 0: no limit. Below Relacy's own depth limit, so that the
    // finding goes through the search's focus like any other.
    std::uint64_t max_sched_points = 0;
    // The kernel's preemption model: CONFIG_PREEMPT (false, the default, as syzbot's kernels)
    // or CONFIG_PREEMPT_NONE (true), where a task in kernel code holds back every grace period
    // until it sleeps, returns to user mode or exits (model/rt/rcu.cc).
    bool preempt_none = false;
    bool record = false;  // keep the event log (schedule recording)
    // The scenario has a prologue: until a task calls open_window(), tasks run one at a time
    // in a fixed order (the running task goes on; when it blocks, the lowest runnable one
    // runs) and every choice takes its first option. The search explores from there on.
    bool prologue = false;
    // Called when every live task is parked and at least one sleeps with a timer: return a
    // message to report a lost wake-up (the oracle decides whether work is waiting), else
    // nullptr.
    const char *(*on_quiescence)(const void *cookie) = nullptr;
    // Called after on_quiescence found nothing: the index of a user task blocked for good,
    // because every timer pending is one whose firing changes nothing (the checker decides which
    // ones, docs/checker.md), or -1. A hang hidden by timers: reported as a hang of that task.
    int (*blocked_for_good)(const void *cookie) = nullptr;
    // Tests: called at the end of every execution that ran to its end, before its objects go.
    void (*on_execution_end)() = nullptr;
    const void *cookie = nullptr;
};

// Per-execution counters the checker reads back.
struct stats {
    std::uint64_t executions = 0;
    std::uint64_t cut = 0;  // executions abandoned at a bound (timeouts, task limit, until)
    std::uint64_t sched_points = 0;  // scheduling points offered, over all executions
    const char *last_cut_reason = nullptr;
};

// Thrown to abandon an execution at a bound; caught where a task's function is entered.
struct execution_cut {};

struct warn_site {
    const char *cond;
    const char *file;
    int line;
};

}  // namespace model::rt
