// The runtime's tasks and their executions: the task table and each task's call chain in
// kernel function names; an execution's beginning and end (arena reset, destroying what is left,
// the judgement of its findings); scheduling points, parking and unparking, quiescence (a timer
// fires, or the execution is a hang or a lost wake-up) and cutting an execution short.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {
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
    e.start_hb[e.ntasks] = 0;
    t->pid = e.ntasks + 1;
    t->rt.timeouts_left =
        e.cfg.timeouts_for ? e.cfg.timeouts_for(comm, e.cfg.cookie) : e.cfg.timeouts_per_task;
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

call_chain chain_now()
{
    call_chain c = current_task()->rt.chain;
    if (c.depth > max_depth)
        c.depth = max_depth;
    return c;
}

// chain_now().innermost() without copying the chain: here() runs at every marked operation
// and note_plain_access() at every plain one, so the copy was a tenth of a search's time.
const char *innermost_now()
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

void reset_arena()
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
    std::memset(e.rl_info, 0, sizeof e.rl_info);
    e.nr_live = 0;
    e.nr_parked = 0;
    e.nkthreads = 0;
    e.faults_left = e.cfg.faults;
    e.cut = false;
    e.cut_requested = nullptr;
    g_window = !e.cfg.prologue;
    g_at_rmw = 0;
    e.fp = footprint{};
    e.raising = false;
    e.ncbs = 0;
    e.gp_on_cpu = 0;
    e.nfindings = 0;
    e.nconserved = 0;
    e.ndeferred = 0;
    e.nworks = 0;
    e.nwarned = 0;
    e.nevents = 0;
    e.nplain = 0;
    e.nplain_log = 0;
    e.nsched = 0;
    e.nraces = 0;
    state_reset();
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
        t->rt.on_cpu = true;
        task_state_store(t, TASK_RUNNING);
    }
    e.nr_live = nr_static;
}

void leave_setup()
{
    E().special = false;
}

void destroy_all()
{
    engine &e = E();
    g_checking = false;
    for (int i = e.nallocs - 1; i >= 0; i--) {
        alloc_rec &a = e.allocs[i];
        a.type->destroy(e.arena + a.off, a.count);
    }
    e.active = false;
    state_reset();  // no cell of a destroyed object is read again
}

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
        report_deferred();
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
            judge(f);
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
    e.rl_info[t->rt.rl_thread] = rl::ctx().threadx_;
    e.special = false;
    try {
        fn(arg, idx);
    } catch (execution_cut &) {
    }
    task_exit(t);
}

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
    fp_note(&t->rt, sizeof t->rt, true);
    t->rt.finished = true;
    if (!e.cut) {
        try {
            rcu_off_cpu(t);
        } catch (execution_cut &) {
        }
    }
    e.nr_live--;
    if (!e.cut && all_parked(t)) {
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
    e.rl_info[t->rt.rl_thread] = rl::ctx().threadx_;
    // The first step of a kthread depends on the wake that created its thread.
    fp_note(&t->rt, sizeof t->rt, true);
    rcu_on_cpu(t);
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

std::uint64_t sched_points_now()
{
    return E().nsched;
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
    state_read(v);
    return v;
}

bool inject_fault(const char *what)
{
    engine &e = E();
    if (e.faults_left <= 0 || !e.cfg.may_fail || !g_window || e.special)
        return false;
    const char *site = current_task()->rt.chain.innermost();
    // The failure is the first option, so that a search meets the error paths early.
    if (!e.cfg.may_fail(site, e.cfg.cookie) || choose(2) == 1)
        return false;
    e.faults_left--;
    log_event(event_kind::alloc, what, "fails: fault injected", nullptr, 0, 0);
    return true;
}

unsigned choose_local(unsigned n, const void *obj, std::size_t size)
{
    if (n <= 1 || !g_window)
        return 0;
    fp_note(obj, size, true);
    unsigned v = rl::ctx().rand(n, rl::sched_type_user);
    E().fp.choices = E().fp.choices * 31 + v + 1;
    state_read(v);
    return v;
}

}  // namespace model::rt
