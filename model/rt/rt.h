// The model's runtime: what stands in for the parts of a running kernel that are not in any
// header the model mirrors. It keeps, for one execution at a time:
//   - the tasks (one per Relacy thread), their call chains in kernel function names, and
//     whether they are parked (asleep, or spinning on a lock held by someone else);
//   - quiescence: when every live task is parked, a pending timer fires, or the execution is
//     a hang;
//   - a KASAN-like heap: an arena with a shadow byte per 8 bytes and a quarantine that is only
//     emptied when the execution ends;
//   - the findings (KASAN reports, WARNings, oopses, hangs, leaks) with their call chains;
//   - an optional event log, kept only while a schedule is being recorded for a report.
//
// Nothing here knows about io-wq, scenarios, searches or report formats. The kernel-facing
// API is in model/linux/*.h; the checker drives an execution through begin/end below. Each part
// is a file: tasks.cc (tasks, executions, scheduling and parking), footprints.cc (DPOR),
// heap.cc (the heap and its shadow), plain.cc (plain fields and their races), rcu.cc,
// findings.cc (findings and the event log); engine.h is their shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "model/rt/relacy.h"
#include "model/rt/types.h"

struct task_struct;

namespace model::rt {

struct engine;
engine &E();

// ---- Execution lifecycle (called by the checker's Relacy suite) ----------------------------
void set_config(const config &c);
const config &get_config();
stats &get_stats();
// Resets the runtime and creates the static tasks (called from the suite's before()).
void begin_execution(int nr_static, const char *const *names);
// Teardown starts: model code runs as "init" again (called first in the suite's after()).
void enter_teardown();
// Leak check, then destroys every object of the execution (called from the suite's after()).
// Returns normally only if the execution is clean (or its findings are to be ignored). With
// judge_only (a replay), it records the leaks and keeps everything, stopping nothing.
void end_execution(bool judge_only = false);
// Setup is over: from now on model code runs as the tasks (called at the end of before()).
void leave_setup();
// Runs one task's function: binds the task to the running Relacy thread, catches a cut, and
// does the exit bookkeeping.
void run_static_task(int idx, void (*fn)(void *, int), void *arg);
// The same two halves for a kthread, whose Relacy thread the kthread code starts itself.
void bind_current_thread(task_struct *t);
void task_exit(task_struct *t);
// Records a failure Relacy raised by itself (data race, livelock, ...), unless we raised it.
void on_relacy_failure(const char *desc, int rl_result);

// ---- Tasks ---------------------------------------------------------------------------------
task_struct *current_task();
task_struct *task_at(int idx);
int nr_tasks();
int task_index(const task_struct *t);
bool in_special();  // setup or teardown: before()/after(), no scheduling

// Call chain: every model function opens a frame with MODEL_FRAME().
void push_frame(const char *f);
void pop_frame();
struct frame {
    explicit frame(const char *f) { push_frame(f); }
    ~frame() { pop_frame(); }
    frame(const frame &) = delete;
    frame &operator=(const frame &) = delete;
};

// ---- Scheduling ----------------------------------------------------------------------------
// A point where the scheduler may switch to another task. Put one before every operation
// another task can observe; plain data touched under a lock needs none.
void sched_point();
// Throws execution_cut if the execution is being abandoned.
void check_cut();
// Runs the body of one visible operation without a scheduling point inside it.
struct atomic_section {
    rl::preemption_disabler pd;
    atomic_section() : pd(rl::ctx()) {}
};

// Parks the current task until unpark(); reason and obj say what it waits for (hang reports).
// May fire a timer or report a hang if this park leaves no task runnable.
void park(park_kind k, const char *reason, const void *obj);
void unpark(task_struct *t);
// The end of the scenario's prologue (config::prologue): from here on the search explores.
void open_window();
// Whether the search explores now (always, without a prologue).
extern bool g_window;
// The tasks (bit i: Relacy thread i) stopped at plain_rmw_point(), between a plain
// read-modify-write's load and its store (the random walk never keeps one of them running
// there: checks/search/search-random.h).
extern std::uint32_t g_at_rmw;
// Nondeterministic choice explored by the search. choose() makes the step depend on every
// other; choose_local() is for a choice whose every outcome touches only `obj`.
unsigned choose(unsigned n);
unsigned choose_local(unsigned n, const void *obj, std::size_t size);
// Fault injection (config::faults): whether the allocation or kthread creation `what` (e.g.
// "kzalloc_node"), called from the current task's innermost frame, fails. A choice the search
// makes while the execution's budget lasts; logged in the schedule when it fails.
bool inject_fault(const char *what);
// A kthread's Relacy thread has been created and is runnable.
void task_started(task_struct *t);
// Takes one of the scenario's kthread slots; false when none is left.
bool reserve_kthread();
[[noreturn]] void cut_execution(const char *why);

// ---- Footprints -----------------------------------------------------------------------------
// What one step of a task (from a scheduling point to the next) touched, for a search that
// skips interleavings equivalent to one it has run (checks/search/search-dpor.h). Every operation
// on state another task can see reports itself here: marked and plain accesses (through
// check_access), locks, task states, parking, allocation and freeing, RCU. Off unless a
// search turns it on.
struct fp_access {
    std::uintptr_t lo, hi;  // [lo, hi)
    bool write;
};
inline constexpr int max_fp = 48;
// Bit (line % 64) of every 64-byte line a step reads or writes, reads and writes apart. Two
// steps whose filters do not conflict touch no common byte (see footprint::depends()).
struct fp_filter {
    std::uint64_t r = 0, w = 0;
    bool conflicts(const fp_filter &o) const { return (w & (o.r | o.w)) || (r & o.w); }
};
struct footprint {
    // The filter's masks, kept as accesses are added: depends() answers false without the
    // pairwise test when the filters do not conflict. It only saves time; no answer changes.
    // The header comes first, so that the test reads one cache line of each footprint.
    std::uint64_t rmask = 0, wmask = 0;
    int n = 0;
    bool global = false;        // depends on every other step (a choice, a timer, an overflow)
    std::uint32_t choices = 0;  // the choices made in the step (tests tell steps apart by it)
    fp_access a[max_fp];

    footprint() = default;
    // A copy takes the header and the n accesses in use, not the whole array.
    footprint(const footprint &o) { *this = o; }
    footprint &operator=(const footprint &o)
    {
        rmask = o.rmask;
        wmask = o.wmask;
        n = o.n;
        global = o.global;
        choices = o.choices;
        for (int i = 0; i < o.n; i++)
            a[i] = o.a[i];
        return *this;
    }
    void add(std::uintptr_t lo, std::uintptr_t hi, bool write);
    void merge(const footprint &o);
    // A global step's filter conflicts with every other.
    fp_filter filter() const
    {
        return global ? fp_filter{~std::uint64_t(0), ~std::uint64_t(0)} : fp_filter{rmask, wmask};
    }
    bool depends(const footprint &o) const
    {
        if (global || o.global)
            return true;
        if (!filter().conflicts(o.filter()))
            return false;
        return depends_slow(o);
    }
    bool depends_slow(const footprint &o) const;
};
extern bool g_fp_on;
void fp_note_slow(const void *p, std::size_t size, bool write);
inline void fp_note(const void *p, std::size_t size, bool write)
{
    if (g_fp_on)
        fp_note_slow(p, size, write);
}
// The step depends on everything: a choice whose outcomes touch different state.
void fp_global();
// Hands the current step's footprint over and starts a new one.
void fp_take(footprint &out);
// Tests watch the steps of every execution: a search hands each step's footprint to this
// hook; fp_boundary() ends a step for a search that does not use footprints.
extern void (*g_step_hook)(int thread, const footprint &fp);
void fp_boundary(int thread);
// A search that analyses a cut execution (search-dpor.h) learns here which tasks could still
// run: called once per cut, in the step that cuts, before the cut wakes the sleeping tasks.
extern void (*g_cut_hook)();
// How many scheduling decisions the search has taken in this execution, for the events a
// recorded execution logs (event::decision); nullptr: the events say -1.
extern int (*g_decision_hook)();
// ---- State fingerprints ---------------------------------------------------------------------
// A hash of the execution's state at a scheduling decision, for a search that measures how
// often states repeat (issue 14, item 3; checks/search/states.h). Off unless a search turns
// it on. It is made of three parts:
//   - memory: a Zobrist sum over every cell a task can read, taken when the fingerprint is:
//     each model_var and model_shared, and the bookkeeping of locks and completions (their
//     owners and queues), registered when they are constructed (state_cell_add_slow()) and
//     unregistered when they go (a field on a task's stack); the tasks' states and references
//     are read from the task table;
//   - each task's history: a running hash of every value it has read and every answer the
//     runtime gave it (a choice, an allocation's address, a timeout). A task's local state, the
//     fiber's stack included, is a function of that history, so it need not be looked at;
//   - the runtime's own state (state.cc): the tasks' run states, timers, held locks and call
//     chains, RCU callbacks, allocations' states, budgets, the oracles' bookkeeping.
// It leaves out happens-before (Relacy's clocks, the plain fields' race states): two states
// with one fingerprint hold the same values, but a later race or KASAN verdict may differ;
// state_hb_hash() covers what it leaves out.
// Off, every hook costs one test of g_state_on (state_on()), nothing on any write.
extern bool g_state_on;
inline bool state_on()
{
    return __builtin_expect(g_state_on, 0);
}
// A cell's value now, for the memory part (0: the cell adds nothing).
using state_peek = std::uint64_t (*)(const void *obj);
// Cell `key` (its address names it) holds peek(obj) from now on, until it is removed. `hb`,
// for a cell kept in a Relacy atomic: a hash of the clock its last store carries, for
// state_hb_hash().
[[gnu::cold]] void state_cell_add_slow(const void *key, const void *obj, state_peek peek,
                                       state_peek hb = nullptr);
[[gnu::cold]] void state_cell_remove_slow(const void *key);
[[gnu::cold]] void state_read_slow(std::uint64_t v);
// The running task reads (or is given) v.
inline void state_read(std::uint64_t v)
{
    if (state_on())
        state_read_slow(v);
}
// The fingerprint of the state now (between two steps).
std::uint64_t state_fingerprint();
// A hash of the happens-before the fingerprint leaves out: every running task's vector clock,
// the clocks of every plain field's last accesses (the race check's) and of every object's
// (KASAN's), the clock each Relacy atomic's last store carries (what a later load acquires),
// and the clock a kthread not yet started will begin with. Two states with one fingerprint and
// one such hash order every later access alike: every race and KASAN verdict below them is
// the same. That holds for the model as it is: every load of an atomic is seq_cst or part of
// a read-modify-write (so it reads the last store), the dpor search's scheduler never reads an
// older store, and nothing uses Relacy's fences, mutexes or joins, whose clocks are not read
// (state.cc refuses to build with Relacy's RL_IMPROVED_SEQ_CST_* options). Absolute clocks, not the
// order they stand for: two schedules that reach one state with clocks counted differently hash
// apart (a cache misses the repeat, never prunes wrongly).
std::uint64_t state_hb_hash();
// Kthread k's Relacy thread was just created: it will start with the running task's clock now.
void state_kthread_started(const task_struct *k);
// The atomic `a` (an rl::atomic of a `size`-byte value): a hash of its last store's clock.
std::uint64_t state_atomic_hb(const void *a, std::size_t size);
// The same, typed: state.cc reads an rl::atomic<T> as the one of the unsigned type of T's
// size, which must then have the same layout.
template <class T>
std::uint64_t state_atomic_hb_of(const rl::atomic<T> &a)
{
    using U = std::conditional_t<
        sizeof(T) == 1, std::uint8_t,
        std::conditional_t<sizeof(T) == 2, std::uint16_t,
                           std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
    static_assert(sizeof(T) == sizeof(U) && alignof(T) == alignof(U) &&
                      sizeof(rl::atomic<T>) == sizeof(rl::generic_atomic<U, false>),
                  "state_atomic_hb() reads atomics of values aligned to their size");
    return state_atomic_hb(&a, sizeof(T));
}
// Reads one Relacy atomic's last store (its atomic_data): set by the search, which knows
// Relacy's thread count, while fingerprints are on.
extern std::uint64_t (*g_atomic_record_hb)(const void *data);
// A hash of a small value, for cells whose contents are several words.
inline std::uint64_t state_mix(std::uint64_t h, std::uint64_t v)
{
    std::uint64_t z = (h ^ v) * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
// The scheduling points this execution has taken (what config::max_sched_points bounds).
std::uint64_t sched_points_now();
// Known-bad variants for tests/checks/test_states.cc: leave one part out (bit 0: the tasks'
// histories, bit 1: memory, bit 2: the runtime walk; bit 3: the clocks of the happens-before
// hash's atomics and of kthreads not yet started). Never set outside that test.
extern unsigned g_state_omit;

// Abandon the execution at the next opportunity (a scheduler cannot throw into a task).
void request_cut(const char *why);
// The execution is being abandoned (or will be).
bool cutting();

// ---- Heap ----------------------------------------------------------------------------------
void *arena_alloc(const type_desc *t, std::size_t count, bool internal);
// kfree_rcu() was called on this allocation: record who did, so the report can say so.
void mark_rcu_pending(int idx);
void arena_free(const void *p, bool rcu_deferred_done, const char *expr = "");
int alloc_of(std::uintptr_t off);
const alloc_rec &alloc_at(int idx);
// The conservation oracle (not kernel code): `counter`, a field of a live heap object
// (user->processes, acct->nr_workers, wq->refs, ...), must be back at the value it has now when
// the object is freed, or when an execution that ran to its end ends with the object still
// live. If it is not, the execution's end reports a leak (leak_kind::counter) with the free's
// call chain. `peek` reads the counter without any access: no scheduling point, no footprint,
// no race or KASAN check (the free that triggers the check is a write to the whole object).
using peek_fn = std::int64_t (*)(const void *);
void conserve(const void *counter, peek_fn peek, const char *name);
// The counters of allocation idx that are still open, checked now (at its free).
void check_conserved(int idx, bool at_free);
// The completion oracle (not kernel code): every work item handed to io-wq (work_handed(): by
// io_wqe_enqueue(), or returned by a work's function as the next to run) is completed exactly
// once before its object is freed or the execution ends (work_completing(): its function
// called to run it or to cancel it). A work never completed is reported at the end of an
// execution that ran to its end, like a leaked counter; a work completed, or handed over,
// again while the first time still stands is reported at once (finding_kind::work). A work
// may be handed over again once it has completed (io_uring reissues a request).
void work_handed(const void *work);
void work_completing(const void *work);
// The works inside allocation idx, checked now (at its free) and forgotten.
void check_works(int idx);
// At an execution's end: the open counters of live objects and the works never completed,
// then every finding these oracles deferred, recorded.
void report_deferred();
int nr_allocs();
std::uintptr_t arena_offset(const void *p);  // or UINTPTR_MAX outside the arena
bool check_access_slow(const void *p, std::size_t size, bool write);
// A plain (model_var) access to the heap, remembered per object and thread so that a kfree
// that is not ordered after it can be reported (see arena_free).
void note_plain_access(const void *p, std::size_t size, bool write);

// ---- Plain fields: the race check ----------------------------------------------------------
// Every model_var has one: for each Relacy thread, the clock of its last read and last write of
// the field and the function that made them, as Relacy's own var keeps (without the function),
// so that a data race can be reported with both accesses, as KCSAN does. Unlike Relacy's, the
// state is updated after a race is reported, so that the execution can go on (a race is
// followed to what it breaks; see raise()).
struct plain_state;
// A field's state; `init`: the constructing task has written it (kzalloc'd, or a local).
plain_state *plain_new(bool init);
// Checks one access against the field's history, reports a data race if another thread's access
// is not ordered with it, and records it. `write`: the access writes (op says how KCSAN names
// it); `before` and `after` are the field's value before and after it (equal for a read).
void plain_check(plain_state *s, const void *p, std::size_t size, bool write, access_op op,
                 std::uint64_t before, std::uint64_t after);
// Between the read and the write of a plain read-modify-write: a scheduling point, so that
// another task's write can come in between and be lost, as in C (docs/primitives.md).
void plain_rmw_point();
// The write of a read-modify-write found the field changed since its read (to `found`, by
// another task's write, which `now` overwrites): a lost update, marked in the schedule.
void plain_lost_update(const void *p, std::uint64_t found, std::uint64_t now);
inline bool check_access(const void *p, std::size_t size, bool write);

// RCU bookkeeping (rcupdate.h is the API).
void rcu_reader_enter();
void rcu_reader_exit();
void rcu_queue(void (*func)(void *), void *arg);
bool rcu_reader_active();
// A region with preemption or interrupts off begins or ends (spinlocks, preempt_disable()); the
// grace period waits for it as for a reader (rcu.cc).
void rcu_atomic_region_enter();
void rcu_atomic_region_exit();
// With CONFIG_PREEMPT_NONE (config::preempt_none): the task leaves its CPU (it sleeps, or has
// exited) or comes back to it, or passes through user mode (a system call returns); each is a
// quiescent state. Nothing happens under CONFIG_PREEMPT.
void rcu_off_cpu(task_struct *t);
void rcu_on_cpu(task_struct *t);
void rcu_user_mode();
bool config_preempt_none();

// ---- Findings ------------------------------------------------------------------------------
// Records a finding and applies the policy: stop the search, abandon the execution, or go on.
void raise(finding f);
finding make_finding(finding_kind k, const char *what);
int nr_findings();
const finding &finding_at(int i);
bool warn_once_first(const warn_site *s);

// ---- Event log -----------------------------------------------------------------------------
bool recording();
void log_event(event_kind kind, const char *op, const char *expr, const void *obj, long before,
               long after, int target = -1);
int nr_events();
const event &event_at(int i);

// ---- Type names ----------------------------------------------------------------------------
template <class T>
constexpr std::string_view raw_type_name()
{
    std::string_view p = __PRETTY_FUNCTION__;
    auto b = p.find("T = ") + 4;
    auto e = p.find_first_of(";]", b);
    std::string_view n = p.substr(b, e - b);
    // An array of wrapped fields (kcalloc of model_var<struct io_wqe *>) is named after what
    // the kernel allocates: the C type.
    if (n.substr(0, 10) == "model_var<" && n.back() == '>')
        n = n.substr(10, n.size() - 11);
    return n;
}

template <class T>
struct type_name_holder {
    static constexpr std::string_view raw = raw_type_name<T>();
    static constexpr auto make()
    {
        struct buf {
            char s[raw.size() + 8];
        } b{};
        std::size_t i = 0;
        if constexpr (std::is_class_v<T>) {
            for (char c : std::string_view("struct "))
                b.s[i++] = c;
        }
        for (char c : raw)
            b.s[i++] = c;
        b.s[i] = 0;
        return b;
    }
    static constexpr auto value = make();
};

template <class T>
const type_desc *type_of()
{
    static const type_desc d{type_name_holder<T>::value.s, sizeof(T), [](void *p, std::size_t n) {
                                 T *a = static_cast<T *>(p);
                                 for (std::size_t i = 0; i < n; i++)
                                     a[i].~T();
                             }};
    return &d;
}

// ---- Inline fast path ----------------------------------------------------------------------
extern std::uintptr_t g_arena_base;
extern std::size_t g_arena_size;
extern const std::uint8_t *g_shadow;
extern bool g_checking;

inline bool check_access(const void *p, std::size_t size, bool write)
{
    fp_note(p, size, write);
    if (!g_checking)
        return true;
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (a - g_arena_base < g_arena_size) {
        std::uintptr_t off = a - g_arena_base;
        std::uintptr_t end = off + (size ? size : 1) - 1;
        for (std::uintptr_t g = off >> 3; g <= end >> 3; g++)
            if (g_shadow[g])
                return check_access_slow(p, size, write);
        return true;
    }
    if (a < 4096 || a >= poison_pointer_delta)
        return check_access_slow(p, size, write);
    return true;
}

}  // namespace model::rt

#define MODEL_CONCAT_(a, b) a##b
#define MODEL_CONCAT(a, b) MODEL_CONCAT_(a, b)
#define MODEL_FRAME() ::model::rt::frame MODEL_CONCAT(model_frame_, __LINE__)(__func__)
// For a function whose C++ name differs from the kernel's (macros implemented as functions).
#define MODEL_FRAME_NAMED(name) ::model::rt::frame MODEL_CONCAT(model_frame_, __LINE__)(name)
