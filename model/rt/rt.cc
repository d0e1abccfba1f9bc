#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/rt.h"

namespace model::rt {

namespace {

constexpr std::size_t arena_bytes = 1u << 20;
constexpr std::size_t redzone = 16;

enum : std::uint8_t {
    shadow_ok = 0,
    shadow_unallocated = 0xfa,
    shadow_freed = 0xfb,
    shadow_redzone = 0xfc,
};

}  // namespace

inline constexpr int max_rl_threads = 16;
inline constexpr int max_plain_states = 1 << 15;
inline constexpr int max_plain_log = 1 << 14;

// See rt.h. Clocks as Relacy's var_data_impl keeps them; 0: no such access yet.
struct plain_state {
    std::uint32_t load_ts[max_rl_threads];
    std::uint32_t store_ts[max_rl_threads];
    const char *fn[2][max_rl_threads];  // [write] the function of the last read or write
    std::uint64_t value[2][max_rl_threads];
    access_op op[2][max_rl_threads];
};

// One plain access of a recorded execution.
struct plain_rec {
    const plain_state *s;
    int thread;
    bool write;
    int event;    // the number of events logged before it: where the schedule marks it
    bool marked;  // marked in the schedule already (an access can be in two races)
    race_access acc;
};

struct plain_access {
    rl::timestamp_t ts;  // the accessing thread's clock at the access; 0: none
    const char *fn;
    int task;
    std::uint32_t off;
    std::uint8_t size;
    bool write;
};

struct engine {
    config cfg;
    stats st;

    unsigned char *arena = nullptr;
    std::uint8_t *shadow = nullptr;
    std::size_t bump = 0;
    alloc_rec allocs[max_allocs];
    int nallocs = 0;
    std::uint16_t owner[arena_bytes / 16];       // allocation index of every 16-byte granule
    plain_access access[max_allocs][max_tasks];  // last plain access per Relacy thread
    rl::atomic<unsigned> *rcu_gp = nullptr;      // orders readers' sections before callbacks

    task_struct *tasks[max_tasks] = {};
    int ntasks = 0;
    task_struct *by_thread[max_tasks] = {};
    int nr_live = 0;
    int nr_parked = 0;
    int nkthreads = 0;
    bool special = false;
    bool active = false;
    bool cut = false;
    bool raising = false;
    const char *cut_requested = nullptr;
    footprint fp;        // the running step's
    unsigned char heap;  // stands for the allocator's state in footprints
    unsigned char rcu;   // stands for the RCU state (readers, callbacks) in footprints
    unsigned char once;  // stands for the WARN_ON_ONCE sites in footprints

    rcu_cb cbs[max_rcu_callbacks];
    int ncbs = 0;

    finding findings[max_findings];
    int nfindings = 0;
    const warn_site *warned[max_warn_sites] = {};
    int nwarned = 0;

    event events[max_events];
    int nevents = 0;

    // Plain fields (model_var): their race-check states, and in a recorded execution every
    // plain access with its full call chain, for the KCSAN report's other stack.
    plain_state *plain_pool = nullptr;
    int nplain = 0;
    int nthreads = 0;  // Relacy threads of the running test
    plain_rec *plain_log = nullptr;
    int nplain_log = 0;
    // Races already reported in this execution (field, this thread, other thread): KCSAN
    // reports a racing pair once.
    struct reported_race {
        const plain_state *s;
        int me, other;
    } races[max_findings];
    int nraces = 0;
    std::uint64_t nsched = 0;  // scheduling points of this execution
};

namespace {
engine g_engine;
}

std::uintptr_t g_arena_base = 0;
std::size_t g_arena_size = 0;
const std::uint8_t *g_shadow = nullptr;
bool g_checking = false;
bool g_fp_on = false;
bool g_window = true;
std::uint32_t g_at_rmw = 0;

engine &E()
{
    return g_engine;
}

[[noreturn]] static void internal_error(const char *msg)
{
    std::fprintf(stderr, "iowq-model: internal error: %s\n", msg);
    std::abort();
}

bool call_chain::contains(std::string_view f) const
{
    for (int i = 0; i < depth; i++)
        if (f == frame[i])
            return true;
    return false;
}

void set_config(const config &c)
{
    E().cfg = c;
    g_window = !c.prologue;
}
const config &get_config()
{
    return E().cfg;
}
stats &get_stats()
{
    return E().st;
}

// ---- tasks ----------------------------------------------------------------------------------

task_struct *current_task()
{
    engine &e = E();
    if (e.special)
        return e.tasks[0];
    task_struct *t = e.by_thread[rl::thread_index()];
    if (!t)
        internal_error("a Relacy thread runs model code before it was bound to a task");
    return t;
}

task_struct *task_at(int idx)
{
    return E().tasks[idx];
}
int nr_tasks()
{
    return E().ntasks;
}
int task_index(const task_struct *t)
{
    return t ? t->rt.index : -1;
}
bool in_special()
{
    return E().special;
}

task_struct *create_task(const char *comm, bool kthread)
{
    engine &e = E();
    if (e.ntasks == max_tasks)
        internal_error("too many tasks");
    auto *t = static_cast<task_struct *>(arena_alloc(type_of<task_struct>(), 1, true));
    new (t) task_struct();
    t->rt.index = e.ntasks;
    t->pid = e.ntasks + 1;
    t->rt.timeouts_left =
        e.cfg.timeouts_for ? e.cfg.timeouts_for(comm, e.cfg.focus_cookie) : e.cfg.timeouts_per_task;
    if (kthread)
        t->flags |= PF_KTHREAD;
    set_task_comm(t, comm);
    e.tasks[e.ntasks++] = t;
    return t;
}

void set_task_comm(task_struct *t, const char *comm)
{
    // As the kernel does: comm holds at most TASK_COMM_LEN - 1 characters.
    std::snprintf(t->comm, sizeof t->comm, "%s", comm);
}

void push_frame(const char *f)
{
    if (!E().ntasks)
        return;
    call_chain &c = current_task()->rt.chain;
    if (c.depth < max_depth)
        c.frame[c.depth] = f;
    c.depth++;
}

void pop_frame()
{
    engine &e = E();
    if (!e.active || !e.ntasks)
        return;
    current_task()->rt.chain.depth--;
}

static call_chain chain_now()
{
    call_chain c = current_task()->rt.chain;
    if (c.depth > max_depth)
        c.depth = max_depth;
    return c;
}

// chain_now().innermost() without copying the chain: here() runs at every marked operation
// and note_plain_access() at every plain one, so the copy was a tenth of a search's time.
static const char *innermost_now()
{
    const call_chain &c = current_task()->rt.chain;
    int d = c.depth > max_depth ? max_depth : c.depth;
    return d ? c.frame[d - 1] : "?";
}

rl::debug_info here()
{
    engine &e = E();
    // Relacy only prints the location in its history, which only a replay (a recording run)
    // keeps; a search need not look it up.
    if (!e.active || !e.ntasks || !e.cfg.record)
        return rl::debug_info("model", "", 0);
    return rl::debug_info(innermost_now(), "", 0);
}

// ---- execution lifecycle --------------------------------------------------------------------

static void reset_arena()
{
    engine &e = E();
    if (!e.arena) {
        e.arena = static_cast<unsigned char *>(std::aligned_alloc(4096, arena_bytes));
        e.shadow = static_cast<std::uint8_t *>(std::malloc(arena_bytes / 8));
        if (!e.arena || !e.shadow)
            internal_error("cannot allocate the arena");
        std::memset(e.shadow, shadow_unallocated, arena_bytes / 8);
        g_arena_base = reinterpret_cast<std::uintptr_t>(e.arena);
        g_arena_size = arena_bytes;
        g_shadow = e.shadow;
    } else {
        std::memset(e.shadow, shadow_unallocated, (e.bump + 7) / 8);
    }
    e.bump = 0;
    e.nallocs = 0;
}

void begin_execution(int nr_static, const char *const *names)
{
    engine &e = E();
    reset_arena();
    e.ntasks = 0;
    std::memset(e.by_thread, 0, sizeof e.by_thread);
    e.nr_live = 0;
    e.nr_parked = 0;
    e.nkthreads = 0;
    e.cut = false;
    e.cut_requested = nullptr;
    g_window = !e.cfg.prologue;
    g_at_rmw = 0;
    e.fp = footprint{};
    e.raising = false;
    e.ncbs = 0;
    e.nfindings = 0;
    e.nwarned = 0;
    e.nevents = 0;
    e.nplain = 0;
    e.nplain_log = 0;
    e.nsched = 0;
    e.nraces = 0;
    e.nthreads = static_cast<int>(rl::ctx().get_thread_count());
    if (e.nthreads > max_rl_threads)
        internal_error("more Relacy threads than the plain fields' race check keeps");
    e.active = true;
    e.special = true;
    g_checking = true;
    e.st.executions++;

    create_task("init", false);
    {
        using gp_t = rl::atomic<unsigned>;
        e.rcu_gp = static_cast<gp_t *>(arena_alloc(type_of<gp_t>(), 1, true));
        new (e.rcu_gp) gp_t();
        atomic_section s;
        e.rcu_gp->store(0, rl::mo_seq_cst, here());
    }
    for (int i = 0; i < nr_static; i++) {
        task_struct *t = create_task(names[i], false);
        t->rt.started = true;
        task_state_store(t, TASK_RUNNING);
    }
    e.nr_live = nr_static;
}

void leave_setup()
{
    E().special = false;
}

static void destroy_all()
{
    engine &e = E();
    g_checking = false;
    for (int i = e.nallocs - 1; i >= 0; i--) {
        alloc_rec &a = e.allocs[i];
        a.type->destroy(e.arena + a.off, a.count);
    }
    e.active = false;
}

static void stop_search(const finding &f);
static void record(const finding &f);
static const finding *first_in_focus();

void enter_teardown()
{
    E().special = true;
}

void end_execution(bool judge_only)
{
    engine &e = E();
    e.special = true;
    for (int i = 1; i < e.ntasks; i++)
        if (e.tasks[i]->rt.started && !e.tasks[i]->rt.finished)
            internal_error("the execution ended while a task had not finished");
    if (!e.cut) {
        // Every task has finished, so every read-side section has ended and every callback
        // has run; a callback still queued is a runtime bug.
        if (e.ncbs)
            internal_error("RCU callbacks left at the end of an execution");
        for (int i = 0; i < e.nallocs; i++) {
            const alloc_rec &a = e.allocs[i];
            if (a.internal || a.state != alloc_state::live)
                continue;
            finding f = make_finding(finding_kind::leak, "unreferenced object");
            f.task = a.alloc_task;
            f.chain = a.alloc_chain;
            f.addr = a.off;
            f.size = a.bytes;
            f.alloc = i;
            f.in_focus = (!e.cfg.until || f.chain.contains(e.cfg.until)) &&
                         (!e.cfg.focus || e.cfg.focus(f, e.cfg.focus_cookie));
            if (!f.in_focus && e.cfg.off_focus)
                e.cfg.off_focus(f, e.cfg.focus_cookie);
            record(f);
        }
        if (e.cfg.on_execution_end)
            e.cfg.on_execution_end();
        // Findings that did not stop the execution at once (multi-shot KASAN reports,
        // WARNings, leaks): the first one in focus stops the search now. A replay keeps the
        // state for its record and judges from the findings (checks/search/runner.cc).
        if (!judge_only)
            if (const finding *f = first_in_focus())
                stop_search(*f);
    }
    if (judge_only)
        return;
    destroy_all();
    // The next execution starts in its prologue (the scheduler's first decision comes before
    // begin_execution()).
    g_window = !e.cfg.prologue;
}

void run_static_task(int idx, void (*fn)(void *, int), void *arg)
{
    engine &e = E();
    task_struct *t = e.tasks[idx + 1];
    t->rt.rl_thread = static_cast<int>(rl::thread_index());
    e.by_thread[t->rt.rl_thread] = t;
    e.special = false;
    try {
        fn(arg, idx);
    } catch (execution_cut &) {
    }
    task_exit(t);
}

static void quiescence(task_struct *cur, bool may_throw);
static void begin_cut(const char *why);

void task_exit(task_struct *t)
{
    engine &e = E();
    // Nothing below may throw out of the task: a cut decided here only marks the execution.
    try {
        if (!e.cut && t->rt.nr_held) {
            finding f = make_finding(finding_kind::lockdep, "lock held when task exits");
            f.fatal = true;
            raise(f);
        }
        if (!e.cut && t->rt.rcu_nesting) {
            finding f = make_finding(finding_kind::lockdep,
                                     "task exits inside an RCU read-side critical section");
            f.fatal = true;
            raise(f);
        }
    } catch (execution_cut &) {
    }
    {
        atomic_section s;
        fp_note(&t->state, sizeof t->state, true);
        task_state_store(t, TASK_DEAD);
    }
    t->rt.finished = true;
    e.nr_live--;
    if (!e.cut && e.nr_live > 0 && e.nr_parked == e.nr_live) {
        try {
            quiescence(nullptr, false);
        } catch (execution_cut &) {
        }
    }
}

void task_started(task_struct *t)
{
    engine &e = E();
    fp_note(&t->rt, sizeof t->rt, true);
    // Relacy numbers a dynamic thread by the order of starts: starts depend on each other.
    fp_note(&e.nkthreads, sizeof e.nkthreads, true);
    t->rt.started = true;
    e.nr_live++;
}

bool reserve_kthread()
{
    engine &e = E();
    fp_note(&e.nkthreads, sizeof e.nkthreads, true);
    if (e.nkthreads == e.cfg.max_kthreads)
        return false;
    e.nkthreads++;
    return true;
}

void bind_current_thread(task_struct *t)
{
    engine &e = E();
    t->rt.rl_thread = static_cast<int>(rl::thread_index());
    e.by_thread[t->rt.rl_thread] = t;
    // The first step of a kthread depends on the wake that created its thread.
    fp_note(&t->rt, sizeof t->rt, true);
}

// ---- scheduling -----------------------------------------------------------------------------

// Setup and teardown never switch and never unwind: after a cut, teardown still runs (to free
// what the scenario owns), just without checks.
void check_cut()
{
    engine &e = E();
    if (e.special)
        return;
    if (e.cut_requested && !e.cut)
        cut_execution(e.cut_requested);
    if (e.cut)
        throw execution_cut{};
}

void sched_point()
{
    engine &e = E();
    if (e.special)
        return;
    if (e.cut)
        throw execution_cut{};
    e.st.sched_points++;
    if (e.cfg.max_sched_points && ++e.nsched > e.cfg.max_sched_points) {
        // The kernel's watchdog would call this a soft lockup: a task that never leaves a loop.
        finding f = make_finding(finding_kind::livelock, "soft lockup");
        f.fatal = true;
        raise(f);
        cut_execution("soft lockup outside the search's focus");
    }
    rl::ctx().sched();
    check_cut();
}

void request_cut(const char *why)
{
    E().cut_requested = why;
}

bool cutting()
{
    return E().cut || E().cut_requested;
}

void open_window()
{
    g_window = true;
}

unsigned choose(unsigned n)
{
    if (n <= 1 || !g_window)
        return 0;
    fp_global();
    unsigned v = rl::ctx().rand(n, rl::sched_type_user);
    E().fp.choices = E().fp.choices * 31 + v + 1;
    return v;
}

unsigned choose_local(unsigned n, const void *obj, std::size_t size)
{
    if (n <= 1 || !g_window)
        return 0;
    fp_note(obj, size, true);
    unsigned v = rl::ctx().rand(n, rl::sched_type_user);
    E().fp.choices = E().fp.choices * 31 + v + 1;
    return v;
}

// ---- footprints -----------------------------------------------------------------------------

void footprint::add(std::uintptr_t lo, std::uintptr_t hi, bool write)
{
    if (global)
        return;
    std::uint64_t lines = 0;
    if ((hi - 1) / 64 - lo / 64 >= 64)
        lines = ~std::uint64_t(0);
    else
        for (std::uintptr_t l = lo / 64; l <= (hi - 1) / 64; l++)
            lines |= std::uint64_t(1) << (l % 64);
    (write ? wmask : rmask) |= lines;
    for (int i = n - 1; i >= 0; i--) {
        fp_access &x = a[i];
        if (x.lo == lo && x.hi == hi) {
            x.write |= write;
            return;
        }
    }
    if (n == max_fp) {
        global = true;
        return;
    }
    a[n++] = fp_access{lo, hi, write};
}

void footprint::merge(const footprint &o)
{
    if (o.global)
        global = true;
    for (int i = 0; i < o.n && !global; i++)
        add(o.a[i].lo, o.a[i].hi, o.a[i].write);
}

bool footprint::depends_slow(const footprint &o) const
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < o.n; j++)
            if ((a[i].write || o.a[j].write) && a[i].lo < o.a[j].hi && o.a[j].lo < a[i].hi)
                return true;
    return false;
}

void fp_note_slow(const void *p, std::size_t size, bool write)
{
    engine &e = E();
    if (e.special)
        return;
    std::uintptr_t lo = reinterpret_cast<std::uintptr_t>(p);
    e.fp.add(lo, lo + (size ? size : 1), write);
}

void fp_global()
{
    engine &e = E();
    if (g_fp_on && !e.special)
        e.fp.global = true;
}

void (*g_step_hook)(int thread, const footprint &fp) = nullptr;

void fp_take(footprint &out)
{
    engine &e = E();
    out = e.fp;
    e.fp.n = 0;
    e.fp.global = false;
    e.fp.choices = 0;
    e.fp.rmask = e.fp.wmask = 0;
}

void fp_boundary(int thread)
{
    if (!g_step_hook)
        return;
    footprint fp;
    fp_take(fp);
    g_step_hook(thread, fp);
}

void park(park_kind k, const char *reason, const void *obj)
{
    engine &e = E();
    if (e.special)
        internal_error("a task would sleep during setup or teardown");
    task_struct *t = current_task();
    fp_note(&t->rt, sizeof t->rt, true);
    t->rt.parked = k;
    t->rt.wait_reason = reason;
    t->rt.wait_obj = obj;
    e.nr_parked++;
    if (e.nr_parked == e.nr_live) {
        quiescence(t, true);
        if (t->rt.parked == park_kind::none)
            return;  // our own timer fired
    }
    rl::ctx().park_current_thread(false, false, false, here());
    // Whoever unparked us wrote this too: the step that follows depends on that one.
    fp_note(&t->rt, sizeof t->rt, true);
    check_cut();
}

void unpark(task_struct *t)
{
    engine &e = E();
    if (t->rt.parked == park_kind::none)
        internal_error("unpark of a task that is not parked");
    fp_note(&t->rt, sizeof t->rt, true);
    t->rt.parked = park_kind::none;
    e.nr_parked--;
    rl::ctx().unpark_thread(t->rt.rl_thread, false, here());
}

// The first finding of the execution in the search's focus, or nullptr.
static const finding *first_in_focus()
{
    engine &e = E();
    for (int i = 0; i < e.nfindings; i++)
        if (e.findings[i].in_focus)
            return &e.findings[i];
    return nullptr;
}

static void begin_cut(const char *why)
{
    engine &e = E();
    if (e.cut)
        return;
    // With multi-shot, a finding in focus that did not stop the execution answers the search's
    // question: report it rather than abandon the execution that found it.
    if (const finding *f = first_in_focus(); f && !e.special)
        stop_search(*f);
    e.cut = true;
    e.st.cut++;
    e.st.last_cut_reason = why;
    task_struct *self = e.special ? nullptr : current_task();
    for (int i = 0; i < e.ntasks; i++) {
        task_struct *t = e.tasks[i];
        if (t->rt.parked == park_kind::none)
            continue;
        if (t == self) {
            // Marked parked by park(), which has not handed it to Relacy yet.
            t->rt.parked = park_kind::none;
            e.nr_parked--;
        } else {
            unpark(t);
        }
    }
}

void cut_execution(const char *why)
{
    if (E().special)
        internal_error("an execution cannot be abandoned during setup or teardown");
    begin_cut(why);
    throw execution_cut{};
}

// Every live task is parked. In the kernel only a timer could now make progress: fire one if
// any is pending, else this is a hang.
static void quiescence(task_struct *cur, bool may_throw)
{
    engine &e = E();
    atomic_section s;
    fp_global();
    task_struct *armed[max_tasks];
    int narmed = 0, nfirable = 0;
    for (int i = 0; i < e.ntasks; i++) {
        task_struct *t = e.tasks[i];
        if (t->rt.parked == park_kind::sleep && t->rt.timer_armed)
            armed[narmed++] = t;
    }
    if (narmed && e.cfg.on_quiescence) {
        if (const char *why = e.cfg.on_quiescence(e.cfg.cookie)) {
            finding f = make_finding(finding_kind::lost_wakeup, why);
            f.fatal = true;
            raise(f);
        }
    }
    if (!narmed) {
        finding f = make_finding(finding_kind::hang, "every task is blocked");
        f.fatal = true;
        raise(f);
        return;
    }
    task_struct *firable[max_tasks];
    for (int i = 0; i < narmed; i++)
        if (armed[i]->rt.timeouts_left > 0)
            firable[nfirable++] = armed[i];
    if (!nfirable) {
        // Every task of the scenario has finished; kernel threads are left, and only a timer
        // could wake them. Nobody will stop them any more (their io_wq was never torn down,
        // say): they and whatever they hold are leaked, however long the timers would run.
        bool users_left = false;
        for (int i = 0; i < e.ntasks; i++) {
            task_struct *t = e.tasks[i];
            users_left |= !(t->flags & PF_KTHREAD) && t->rt.started && !t->rt.finished;
        }
        if (!users_left) {
            finding f = make_finding(finding_kind::leak,
                                     "a kernel thread is left running after every task finished");
            f.sub = static_cast<std::uint8_t>(leak_kind::kthread);
            f.fatal = true;
            raise(f);
            return;
        }
        begin_cut("timeout budget");
        if (may_throw)
            throw execution_cut{};
        return;
    }
    task_struct *t = firable[choose(nfirable)];
    t->rt.timeouts_left--;
    t->rt.timer_fired = true;
    t->rt.timer_armed = false;
    task_state_store(t, TASK_RUNNING);
    log_event(event_kind::timer, "timer fires", "", nullptr, 0, 0, task_index(t));
    if (t == cur) {
        t->rt.parked = park_kind::none;
        e.nr_parked--;
    } else {
        unpark(t);
    }
}

// ---- heap -----------------------------------------------------------------------------------

void *arena_alloc(const type_desc *t, std::size_t count, bool internal)
{
    engine &e = E();
    std::size_t bytes = t->size * count;
    std::size_t off = (e.bump + redzone + 15) & ~std::size_t(15);
    std::size_t end = (off + bytes + 15) & ~std::size_t(15);
    if (end + redzone > arena_bytes || e.nallocs == max_allocs)
        internal_error("the execution's heap is exhausted");
    fp_note(&e.heap, 1, true);
    std::memset(e.shadow + e.bump / 8, shadow_redzone, (off - e.bump) / 8);
    std::memset(e.shadow + off / 8, shadow_ok, (end - off) / 8);
    std::memset(e.shadow + end / 8, shadow_redzone, redzone / 8);
    e.bump = end + redzone;
    std::memset(e.arena + off, 0, end - off);

    for (std::size_t g = off / 16; g < end / 16; g++)
        e.owner[g] = static_cast<std::uint16_t>(e.nallocs);
    std::memset(e.access[e.nallocs], 0, sizeof e.access[e.nallocs]);
    alloc_rec &a = e.allocs[e.nallocs++];
    a.off = off;
    a.bytes = static_cast<std::uint32_t>(bytes);
    a.count = static_cast<std::uint32_t>(count);
    a.type = t;
    a.internal = internal;
    a.state = alloc_state::live;
    a.alloc_task = e.ntasks ? task_index(current_task()) : 0;
    a.alloc_chain = e.ntasks ? chain_now() : call_chain{};
    a.free_task = -1;
    a.free_chain.depth = 0;
    a.rcu_task = -1;
    a.rcu_chain.depth = 0;
    return e.arena + off;
}

std::uintptr_t arena_offset(const void *p)
{
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (a - g_arena_base < g_arena_size)
        return a - g_arena_base;
    return UINTPTR_MAX;
}

int alloc_of(std::uintptr_t off)
{
    engine &e = E();
    int lo = 0, hi = e.nallocs;
    while (lo < hi) {  // first allocation that ends after off
        int mid = (lo + hi) / 2;
        const alloc_rec &a = e.allocs[mid];
        if (a.off + a.bytes + redzone <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < e.nallocs && e.allocs[lo].off <= off + redzone)
        return lo;
    return -1;
}

const alloc_rec &alloc_at(int idx)
{
    return E().allocs[idx];
}

void mark_rcu_pending(int idx)
{
    engine &e = E();
    alloc_rec &a = e.allocs[idx];
    a.state = alloc_state::rcu_pending;
    a.rcu_task = task_index(current_task());
    a.rcu_chain = chain_now();
}
int nr_allocs()
{
    return E().nallocs;
}

void arena_free(const void *p, bool rcu_deferred_done, const char *expr)
{
    engine &e = E();
    std::uintptr_t off = arena_offset(p);
    int idx = off == UINTPTR_MAX ? -1 : alloc_of(off);
    if (idx < 0 || e.allocs[idx].off != off || e.allocs[idx].state == alloc_state::freed) {
        finding f = make_finding(finding_kind::kasan, "double-free or invalid-free");
        f.sub = static_cast<std::uint8_t>(idx >= 0 && e.allocs[idx].off == off
                                              ? kasan_bug::double_free
                                              : kasan_bug::invalid_free);
        f.addr = off == UINTPTR_MAX ? reinterpret_cast<std::uintptr_t>(p) : off;
        f.alloc = idx;
        raise(f);
        return;
    }
    alloc_rec &a = e.allocs[idx];
    if (a.state == alloc_state::rcu_pending && !rcu_deferred_done) {
        finding f = make_finding(finding_kind::kasan, "double-free or invalid-free");
        f.sub = static_cast<std::uint8_t>(kasan_bug::double_free);
        f.addr = off;
        f.alloc = idx;
        raise(f);
        return;
    }
    fp_note(e.arena + a.off, a.bytes ? a.bytes : 1, true);
    a.state = alloc_state::freed;
    a.free_task = task_index(current_task());
    a.free_chain = chain_now();
    std::memset(e.shadow + a.off / 8, shadow_freed, ((a.bytes + 15) & ~15u) / 8);
    log_event(event_kind::free, rcu_deferred_done ? "kfree_rcu callback: kfree" : "kfree",
              *expr ? expr : a.type->name, p, 0, 0);

    // A plain access by another thread that does not happen before this free could have come
    // after it: report it as the use-after-free it is in that schedule.
    rl::thread_info_base &me = *rl::ctx().threadx_;
    for (int th = 0; th < max_tasks; th++) {
        const plain_access &acc = e.access[idx][th];
        if (!acc.ts || th == static_cast<int>(me.index_) || me.acq_rel_order_[th] >= acc.ts)
            continue;
        finding f = make_finding(finding_kind::kasan, "use-after-free");
        f.sub = static_cast<std::uint8_t>(kasan_bug::use_after_free);
        f.race = true;
        f.task = acc.task;
        f.chain = call_chain{};
        f.chain.frame[0] = acc.fn;
        f.chain.depth = 1;
        f.addr = acc.off;
        f.size = acc.size;
        f.is_write = acc.write;
        f.alloc = idx;
        raise(f);
        break;
    }
}

void note_plain_access(const void *p, std::size_t size, bool write)
{
    engine &e = E();
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (!g_checking || a - g_arena_base >= g_arena_size)
        return;
    std::uintptr_t off = a - g_arena_base;
    int idx = e.owner[off / 16];
    if (idx >= e.nallocs || off < e.allocs[idx].off ||
        off >= e.allocs[idx].off + e.allocs[idx].bytes || e.allocs[idx].state == alloc_state::freed)
        return;
    rl::thread_info_base &me = *rl::ctx().threadx_;
    me.own_acq_rel_order_ += 1;
    plain_access &acc = e.access[idx][me.index_];
    acc.ts = me.own_acq_rel_order_;
    acc.fn = innermost_now();
    acc.task = task_index(current_task());
    acc.off = static_cast<std::uint32_t>(off);
    acc.write = write;
    acc.size = static_cast<std::uint8_t>(size);
}

bool check_access_slow(const void *p, std::size_t size, bool write)
{
    engine &e = E();
    std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (a < 4096) {
        finding f = make_finding(finding_kind::null_deref, "kernel NULL pointer dereference");
        f.addr = a;
        f.size = static_cast<std::uint32_t>(size);
        f.is_write = write;
        f.fatal = true;
        raise(f);
        return false;
    }
    if (a >= poison_pointer_delta) {
        finding f = make_finding(finding_kind::gpf, "general protection fault");
        f.addr = a;
        f.size = static_cast<std::uint32_t>(size);
        f.is_write = write;
        f.fatal = true;
        raise(f);
        return false;
    }
    std::uintptr_t off = a - g_arena_base;
    std::uint8_t bad = shadow_ok;
    std::uintptr_t end = off + (size ? size : 1) - 1;
    for (std::uintptr_t g = off >> 3; g <= end >> 3 && bad == shadow_ok; g++)
        bad = e.shadow[g];
    finding f = make_finding(finding_kind::kasan,
                             bad == shadow_freed ? "use-after-free" : "slab-out-of-bounds");
    f.sub = static_cast<std::uint8_t>(bad == shadow_freed ? kasan_bug::use_after_free
                                                          : kasan_bug::out_of_bounds);
    f.addr = off;
    f.size = static_cast<std::uint32_t>(size);
    f.is_write = write;
    f.alloc = alloc_of(off);
    raise(f);
    return false;
}

// ---- plain fields ---------------------------------------------------------------------------

// Where a finding about a field is: its arena offset and allocation (none outside the arena).
static void place_finding(finding &f, const void *p, std::size_t size)
{
    std::uintptr_t off = arena_offset(p);
    f.addr = off == UINTPTR_MAX ? 0 : off;
    f.alloc = off == UINTPTR_MAX ? -1 : alloc_of(off);
    f.size = static_cast<std::uint32_t>(size);
}

plain_state *plain_new(bool init)
{
    engine &e = E();
    if (!e.plain_pool) {
        e.plain_pool =
            static_cast<plain_state *>(std::malloc(sizeof(plain_state) * max_plain_states));
        e.plain_log = static_cast<plain_rec *>(std::malloc(sizeof(plain_rec) * max_plain_log));
        if (!e.plain_pool || !e.plain_log)
            internal_error("cannot allocate the plain fields' states");
    }
    if (e.nplain == max_plain_states)
        internal_error("too many plain fields in one execution");
    plain_state *s = &e.plain_pool[e.nplain++];
    std::memset(s->load_ts, 0, sizeof s->load_ts);
    std::memset(s->store_ts, 0, sizeof s->store_ts);
    if (init) {
        // Constructed by the running task: its write, as Relacy's var init() records it.
        rl::thread_info_base &me = *rl::ctx().threadx_;
        me.own_acq_rel_order_ += 1;
        s->store_ts[me.index_] = static_cast<std::uint32_t>(me.own_acq_rel_order_);
        s->fn[1][me.index_] = e.ntasks ? innermost_now() : "?";
        s->value[1][me.index_] = 0;
        s->op[1][me.index_] = access_op::write;
    }
    return s;
}

// The recorded access of `thread` to the field that a race report names as the other one: its
// index in the log, or -1.
static int plain_rec_of(const plain_state *s, int thread, bool write)
{
    engine &e = E();
    for (int i = e.nplain_log - 1; i >= 0; i--) {
        const plain_rec &r = e.plain_log[i];
        if (r.s == s && r.thread == thread && r.write == write)
            return i;
    }
    return -1;
}

static const char *race_op_text(access_op op);

// Marks a recorded racing access in the schedule, once, at the place it happened; the accesses
// recorded after that place move down with the events.
static void mark_race(int idx, const void *p)
{
    engine &e = E();
    plain_rec &r = e.plain_log[idx];
    int at = r.event;
    if (r.marked || e.nevents == max_events || at < 0 || at > e.nevents)
        return;
    r.marked = true;
    std::memmove(&e.events[at + 1], &e.events[at],
                 sizeof(event) * static_cast<std::size_t>(e.nevents - at));
    e.nevents++;
    for (int i = 0; i < e.nplain_log; i++)
        if (e.plain_log[i].event > at || (e.plain_log[i].event == at && i > idx))
            e.plain_log[i].event++;
    std::uintptr_t off = arena_offset(p);
    event &ev = e.events[at];
    ev.task = r.acc.task;
    ev.chain = r.acc.chain;
    ev.kind = event_kind::race;
    ev.op = race_op_text(r.acc.op);
    ev.expr = "";
    ev.obj = off == UINTPTR_MAX ? 0 : report_heap_base + off;
    ev.before = static_cast<long>(r.acc.value);
    ev.after = static_cast<long>(r.acc.value);
    ev.target = -1;
}

static const char *race_op_text(access_op op)
{
    switch (op) {
    case access_op::read:
        return "data race: read";
    case access_op::write:
        return "data race: write";
    case access_op::read_write:
        break;
    }
    return "data race: read-write";
}

void plain_check(plain_state *s, const void *p, std::size_t size, bool write, access_op op,
                 std::uint64_t before, std::uint64_t after)
{
    engine &e = E();
    rl::thread_info_base &me = *rl::ctx().threadx_;
    const int self = static_cast<int>(me.index_);
    if (e.special || !g_checking) {
        // Setup and teardown run alone; their accesses order nothing and race with nothing.
        me.own_acq_rel_order_ += 1;
        (write ? s->store_ts : s->load_ts)[self] =
            static_cast<std::uint32_t>(me.own_acq_rel_order_);
        s->fn[write][self] = "?";
        s->value[write][self] = after;
        s->op[write][self] = op;
        return;
    }
    int other = -1;
    bool other_write = false;
    for (int i = 0; i < e.nthreads; i++) {
        if (i == self)
            continue;
        if (me.acq_rel_order_[i] < s->store_ts[i]) {
            other = i;
            other_write = true;
            break;
        }
        if (write && me.acq_rel_order_[i] < s->load_ts[i]) {
            other = i;
            break;
        }
    }
    me.own_acq_rel_order_ += 1;
    (write ? s->store_ts : s->load_ts)[self] = static_cast<std::uint32_t>(me.own_acq_rel_order_);
    s->fn[write][self] = innermost_now();
    s->value[write][self] = write ? after : before;
    s->op[write][self] = op;

    race_access now;
    if (e.cfg.record) {
        now.task = task_index(current_task());
        now.chain = chain_now();
        now.op = op;
        now.value = write ? after : before;
        if (e.nplain_log < max_plain_log)
            e.plain_log[e.nplain_log++] = plain_rec{s, self, write, e.nevents, false, now};
    }
    if (other < 0)
        return;
    for (int i = 0; i < e.nraces; i++)
        if (e.races[i].s == s && e.races[i].me == self && e.races[i].other == other)
            return;
    if (e.nraces < max_findings)
        e.races[e.nraces++] = engine::reported_race{s, self, other};

    finding f = make_finding(finding_kind::data_race, "data-race");
    place_finding(f, p, size);
    f.is_write = write;
    f.op = op;
    f.value_before = before;
    f.value_after = after;
    task_struct *ot = e.by_thread[other];
    f.other.task = ot ? task_index(ot) : -1;
    f.other.op = s->op[other_write][other];
    f.other.value = s->value[other_write][other];
    f.other.chain.frame[0] = s->fn[other_write][other];
    f.other.chain.depth = 1;
    if (e.cfg.record) {
        if (int r = plain_rec_of(s, other, other_write); r >= 0) {
            f.other = e.plain_log[r].acc;
            mark_race(r, p);
        }
        if (int me_rec = plain_rec_of(s, self, write); me_rec >= 0)
            mark_race(me_rec, p);
    }
    raise(f);
}

void plain_rmw_point()
{
    // Outside the search window the tasks run one at a time: no other task can come between.
    if (g_window) {
        std::uint32_t me = 1u << rl::ctx().threadx_->index_;
        g_at_rmw |= me;
        sched_point();
        g_at_rmw &= ~me;
    }
}

void plain_lost_update(const void *p, std::uint64_t found, std::uint64_t now)
{
    engine &e = E();
    if (!e.cfg.record || e.special)
        return;
    log_event(event_kind::race, "lost update: overwrites", "", p, static_cast<long>(found),
              static_cast<long>(now));
}

// ---- RCU ------------------------------------------------------------------------------------

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
static void rcu_gp_acquire()
{
    atomic_section s;
    (void)E().rcu_gp->load(rl::mo_seq_cst, here());
}

static void run_callbacks()
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

// ---- findings -------------------------------------------------------------------------------

finding make_finding(finding_kind k, const char *what)
{
    finding f{};
    f.kind = k;
    f.what = what;
    engine &e = E();
    if (e.ntasks) {
        f.task = task_index(current_task());
        f.chain = chain_now();
    }
    return f;
}

static void record(const finding &f)
{
    engine &e = E();
    if (e.nfindings < max_findings)
        e.findings[e.nfindings++] = f;
}

static rl::test_result_e relacy_result_for(finding_kind k)
{
    switch (k) {
    case finding_kind::kasan:
        return rl::test_result_access_to_freed_memory;
    case finding_kind::hang:
        return rl::test_result_deadlock;
    case finding_kind::leak:
        return rl::test_result_memory_leak;
    case finding_kind::data_race:
        return rl::test_result_data_race;
    case finding_kind::uninit:
        return rl::test_result_unitialized_access;
    case finding_kind::livelock:
        return rl::test_result_livelock;
    default:
        return rl::test_result_user_assert_failed;
    }
}

static void stop_search(const finding &f)
{
    engine &e = E();
    e.raising = true;
    rl::ctx().fail_test(f.what, relacy_result_for(f.kind), rl::debug_info(f.chain.innermost()));
    internal_error("fail_test returned");
}

// A data race is followed: as KCSAN reports and the kernel runs on, the execution goes on
// with the values the schedule produced, so that what the race breaks can be found.
static bool followed(const finding &f)
{
    return f.kind == finding_kind::data_race && !f.fatal;
}

void raise(finding f)
{
    engine &e = E();
    if (e.cut)
        return;  // the execution is being abandoned: nothing it does counts
    f.in_focus = (!e.cfg.until || f.chain.contains(e.cfg.until)) &&
                 (!e.cfg.focus || e.cfg.focus(f, e.cfg.focus_cookie));
    record(f);
    bool goes_on = !f.fatal && (followed(f) || e.cfg.multi_shot);
    if (!f.in_focus) {
        if (e.cfg.off_focus)
            e.cfg.off_focus(f, e.cfg.focus_cookie);
        // Not what the search is looking for: abandon this execution (if the finding ends it)
        // and go on.
        if (!goes_on && !e.special)
            cut_execution("finding outside the search's focus");
        return;
    }
    // In focus, it answers the search's question, unless kasan_multi_shot keeps the execution
    // going (end_execution() reports the first one).
    if (f.fatal || !e.cfg.multi_shot)
        stop_search(f);
}

void on_relacy_failure(const char *desc, int rl_result)
{
    engine &e = E();
    if (e.raising)
        return;
    finding_kind k = finding_kind::other;
    switch (rl_result) {
    case rl::test_result_data_race:
        k = finding_kind::data_race;
        break;
    case rl::test_result_unitialized_access:
        k = finding_kind::uninit;
        break;
    case rl::test_result_livelock:
        k = finding_kind::livelock;
        break;
    case rl::test_result_deadlock:
        k = finding_kind::hang;
        break;
    case rl::test_result_until_condition_hit:
        return;
    default:
        break;
    }
    finding f = e.active && e.ntasks ? make_finding(k, desc) : finding{};
    f.kind = k;
    f.what = desc;
    f.fatal = true;
    record(f);
}

int nr_findings()
{
    return E().nfindings;
}
const finding &finding_at(int i)
{
    return E().findings[i];
}

bool warn_once_first(const warn_site *s)
{
    engine &e = E();
    fp_note(&e.once, 1, true);
    for (int i = 0; i < e.nwarned; i++)
        if (e.warned[i] == s)
            return false;
    if (e.nwarned < max_warn_sites)
        e.warned[e.nwarned++] = s;
    return true;
}

[[noreturn]] void uninit_read(const void *p, std::size_t size)
{
    finding f = make_finding(finding_kind::uninit, "read of an uninitialised field");
    place_finding(f, p, size);
    f.fatal = true;
    raise(f);
    // Out of focus, raise() abandons the execution; it cannot return here because the
    // field's value would be meaningless.
    cut_execution("uninitialised read outside the search's focus");
}

// ---- event log ------------------------------------------------------------------------------

bool recording()
{
    return E().cfg.record;
}

void log_event(event_kind kind, const char *op, const char *expr, const void *obj, long before,
               long after, int target)
{
    engine &e = E();
    if (!e.cfg.record || e.nevents == max_events)
        return;
    std::uintptr_t off = arena_offset(obj);
    event &ev = e.events[e.nevents++];
    ev.task = e.ntasks ? task_index(current_task()) : -1;
    ev.chain = e.ntasks ? chain_now() : call_chain{};
    ev.kind = kind;
    ev.op = op;
    ev.expr = expr ? expr : "";
    ev.obj = off == UINTPTR_MAX ? 0 : report_heap_base + off;
    ev.before = before;
    ev.after = after;
    ev.target = target;
}

int nr_events()
{
    return E().nevents;
}
const event &event_at(int i)
{
    return E().events[i];
}

}  // namespace model::rt
