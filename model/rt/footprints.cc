// Footprints for DPOR: what each step of an execution read and wrote (objects, the heap, RCU,
// WARN_ON_ONCE sites), so that the search can tell which steps commute.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {

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
void (*g_cut_hook)() = nullptr;

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

// "Is every live task parked?" reads the other tasks' states, and the answer decides whether the
// step goes on into quiescence() (a global step) or not, so the read belongs in the footprint:
// a step's footprint must be what decides what it does, or a search that moves the step past
// others (dpor's sleep sets) would take a step that behaves differently for the same one. The
// tasks are looked at in order until one still runs: the states looked at are the whole answer
// (any order that leaves them as they are gives the same answer, and the same task found), so
// only a park, wake, start or exit of one of them (each writes its task_rt) conflicts. Noting
// only the task found is not enough: another order could find a task earlier in the list, and
// equivalent schedules would have different footprints (tests/checks/test_dpor.cc then missed
// traces of r10). When none runs, every other task's state was read.
bool all_parked(const task_struct *self)
{
    engine &e = E();
    for (int i = 0; i < e.ntasks; i++) {
        const task_struct *t = e.tasks[i];
        if (t == self)
            continue;
        fp_note(&t->rt, sizeof t->rt, false);
        if (t->rt.started && !t->rt.finished && t->rt.parked == park_kind::none)
            return false;
    }
    return e.nr_live > 0 && e.nr_parked == e.nr_live;
}

void park(park_kind k, const char *reason, const void *obj)
{
    engine &e = E();
    if (e.special)
        internal_error("a task would sleep during setup or teardown");
    task_struct *t = current_task();
    fp_note(&t->rt, sizeof t->rt, true);
    // A task that sleeps leaves its CPU (a quiescent state under CONFIG_PREEMPT_NONE); one
    // that spins for a lock stays on it.
    if (k != park_kind::spin)
        rcu_off_cpu(t);
    t->rt.parked = k;
    t->rt.wait_reason = reason;
    t->rt.wait_obj = obj;
    e.nr_parked++;
    if (all_parked(t)) {
        quiescence(t, true);
        if (t->rt.parked == park_kind::none) {
            rcu_on_cpu(t);
            return;  // our own timer fired
        }
    }
    rl::ctx().park_current_thread(false, false, false, here());
    // Whoever unparked us wrote this too: the step that follows depends on that one.
    fp_note(&t->rt, sizeof t->rt, true);
    rcu_on_cpu(t);
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
const finding *first_in_focus()
{
    engine &e = E();
    for (int i = 0; i < e.nfindings; i++)
        if (e.findings[i].in_focus)
            return &e.findings[i];
    return nullptr;
}

void begin_cut(const char *why)
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
    if (g_cut_hook && !e.special)
        g_cut_hook();
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
void quiescence(task_struct *cur, bool may_throw)
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
    // The oracles read the model's fields (racy_load(), load_locked()) as no task does: their
    // reads stay out of the running task's history (a state fingerprint's, rt.h).
    struct no_history {
        bool was = g_state_on;
        no_history() { g_state_on = false; }
        ~no_history() { g_state_on = was; }
    } quiet;
    if (narmed && e.cfg.on_quiescence) {
        if (const char *why = e.cfg.on_quiescence(e.cfg.cookie)) {
            finding f = make_finding(finding_kind::lost_wakeup, why);
            f.fatal = true;
            raise(f);
        }
    }
    if (narmed && e.cfg.blocked_for_good) {
        int i = e.cfg.blocked_for_good(e.cfg.cookie);
        if (i >= 0 && i < e.ntasks) {
            // The hung task's own call chain names the hang, as the kernel's hung task
            // detector names the blocked task.
            finding f = make_finding(finding_kind::hang, hang_hidden_by_timers);
            f.task = i;
            f.chain = e.tasks[i]->rt.chain;
            if (f.chain.depth > max_depth)
                f.chain.depth = max_depth;
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

}  // namespace model::rt
