#include "checks/report/splat.h"
#include "checks/search/runner.h"

#include <algorithm>
#include "model/linux/sched.h"
#include "model/linux/spinlock.h"

namespace iowq {

execution_record capture()
{
    using namespace model::rt;
    execution_record r;
    r.preempt = !config_preempt_none();
    for (int i = 0; i < nr_tasks(); i++) {
        const task_struct *t = task_at(i);
        task_info ti;
        ti.index = i;
        ti.comm = t->comm;
        ti.pid = t->pid;
        ti.state = t->state.debug_value();
        ti.kthread = (t->flags & PF_KTHREAD) != 0;
        ti.started = t->rt.started || i == 0;
        ti.finished = t->rt.finished;
        ti.parked = t->rt.parked;
        ti.wait_reason = t->rt.wait_reason ? t->rt.wait_reason : "";
        if (t->rt.parked == park_kind::spin && t->rt.wait_obj) {
            auto *lock = static_cast<const spinlock_t *>(t->rt.wait_obj);
            if (lock->owner)
                ti.waits_for_holder =
                    std::string(lock->owner->comm) + "/" + std::to_string(lock->owner->pid);
        }
        ti.timer_armed = t->rt.timer_armed;
        for (int h = 0; h < t->rt.nr_held && h < max_held_locks; h++)
            ti.held.emplace_back(static_cast<const spinlock_t *>(t->rt.held[h])->name);
        ti.rcu_nesting = t->rt.rcu_nesting;
        ti.chain = t->rt.chain;
        ti.rl_thread = t->rt.rl_thread;
        if (ti.chain.depth > max_depth)
            ti.chain.depth = max_depth;
        r.tasks.push_back(std::move(ti));
    }
    for (int i = 0; i < nr_allocs(); i++)
        r.allocs.push_back(alloc_at(i));
    for (int i = 0; i < nr_findings(); i++)
        r.findings.push_back(finding_at(i));
    for (int i = 0; i < nr_events(); i++)
        r.events.push_back(event_at(i));
    return r;
}

void mark_preemptions(execution_record &r, const choice_trace &t)
{
    r.preemptions.clear();
    auto task_of = [&r](int thread) {
        for (const task_info &ti : r.tasks)
            if (ti.rl_thread == thread)
                return ti.index;
        return -1;
    };
    std::size_t e = 0;
    for (std::size_t i = 1; i < t.sched.size(); i++) {
        if (!t.sched[i].could_stay || t.sched[i].chosen == t.sched[i - 1].chosen)
            continue;
        // An event logged after decision i says i + 1 or more.
        while (e < r.events.size() && r.events[e].decision <= static_cast<int>(i))
            e++;
        int task = task_of(t.sched[i - 1].chosen), by = task_of(t.sched[i].chosen);
        if (task >= 0 && by >= 0)
            r.preemptions.push_back({static_cast<int>(e), task, by});
    }
}

std::string verdict_text(const run_result &r)
{
    switch (r.v) {
    case verdict::clean:
        return "clean";
    case verdict::budget:
        return "budget";
    case verdict::found:
        break;
    }
    int i = focus_finding(r);
    if (i < 0)
        return "found, without a finding: " + r.relacy_result;
    return title(r.record, r.record.findings[static_cast<std::size_t>(i)]);
}

int focus_finding(const run_result &r)
{
    for (std::size_t i = 0; i < r.record.findings.size(); i++)
        if (r.record.findings[i].in_focus)
            return static_cast<int>(i);
    return r.record.findings.empty() ? -1 : 0;
}

dpor_stats &last_dpor_stats()
{
    static dpor_stats s;
    return s;
}

std::int64_t (*g_dpor_pending)() = nullptr;
bool (*g_dpor_abandoning)() = nullptr;

namespace {

// A static share of a split tree: subtree k is searched by share k mod count (from 0),
// run_options::subtree_index - 1 being this one.
struct subtree_share {
    std::uint64_t index, count;
};

bool own_share(void *cookie, std::uint64_t k)
{
    const subtree_share &s = *static_cast<const subtree_share *>(cookie);
    return k % s.count == s.index - 1;
}

}  // namespace

progress_hook &current_progress_hook()
{
    static progress_hook h;
    return h;
}

search_params &current_search_params()
{
    static search_params p;
    return p;
}

namespace detail {

// The decisions of the execution so far, for the events it records (event::decision).
int decisions_taken()
{
    return current_log().nsched;
}

// The first off-focus finding of a run and the decisions that led to it, kept in memory the
// run allocates before its simulation starts.
struct off_focus_store {
    std::uint64_t count = 0;      // executions with a finding out of focus
    std::uint64_t last_exec = 0;  // the execution counted last (stats::executions, from 1)
    bool have = false;
    model::rt::finding f{};
    const char *known = nullptr;  // classify(f), taken while its allocation is known
    const char *(*classify)(const model::rt::finding &f) = nullptr;
    std::uint64_t seed = 0;
    std::uint32_t k = 0;
    choice_log log;
};

void off_focus_delete::operator()(off_focus_store *s) const
{
    delete s;
}

namespace {

void on_off_focus(const model::rt::finding &f, void *cookie)
{
    off_focus_store &s = *static_cast<off_focus_store *>(cookie);
    // One execution can report several (a followed race, then what it broke): count it once.
    if (std::uint64_t exec = model::rt::get_stats().executions; exec != s.last_exec) {
        s.count++;
        s.last_exec = exec;
    }
    // Keep the first one, unless it is a known issue and this one is not: an unknown finding
    // is what the user must see.
    const char *known = s.classify ? s.classify(f) : nullptr;
    if (s.have && (!s.known || known))
        return;
    s.have = true;
    s.f = f;
    s.known = known;
    const choice_log &now = current_log();
    s.seed = current_search_params().exec_seed;
    s.k = current_search_params().exec_k;
    s.log.nsched = now.nsched;
    s.log.nrands = now.nrands;
    s.log.overflow = now.overflow;
    std::copy(now.sched, now.sched + now.nsched, s.log.sched);
    std::copy(now.rands, now.rands + now.nrands, s.log.rands);
}
}  // namespace

fiber_stacks &current_fiber_stacks()
{
    static fiber_stacks fs;
    return fs;
}

bool &stop_after_teardown()
{
    static bool stop = false;
    return stop;
}

budget &current_budget()
{
    static budget b;
    return b;
}

namespace {

progress_info progress_of(const budget &b, std::uint64_t executions,
                          std::chrono::steady_clock::time_point now)
{
    progress_info p;
    p.scenario = b.progress;
    p.search = b.search;
    p.executions = executions;
    p.seconds = std::chrono::duration<double>(now - b.start).count();
    p.max_executions = b.max_executions;
    p.max_seconds = b.max_seconds;
    p.iterations = b.iterations;
    if (g_dpor_pending)
        p.pending = g_dpor_pending();
    return p;
}

}  // namespace

bool over_budget()
{
    budget &b = current_budget();
    const model::rt::stats &st = model::rt::get_stats();
    if (b.progress && st.executions && (st.executions & (progress_every - 1)) == 0) {
        const progress_hook &h = current_progress_hook();
        auto now = std::chrono::steady_clock::now();
        if (h.fn && now - b.last_progress >= h.interval) {
            b.last_progress = now;
            b.progress_shown = true;
            h.fn(progress_of(b, st.executions, now));
        }
    }
    if (b.max_executions && st.executions >= b.max_executions)
        b.exhausted = true;
    else if (b.timed && std::chrono::steady_clock::now() >= b.deadline)
        b.exhausted = true;
    return b.exhausted;
}

off_focus_ptr prepare(const run_options &o, rl::test_params &p, int nr_kthreads)
{
    search_params &sp = current_search_params();
    sp = search_params{};
    sp.seed = o.seed;
    sp.depth = o.depth;
    sp.stay = o.stay;
    static const schedule_script empty;
    sp.script = o.search == search_kind::replay && o.script ? o.script : &empty;
    sp.status = o.status;
    sp.segments = o.search == search_kind::replay ? o.segments : nullptr;
    model::rt::g_decision_hook = &decisions_taken;
    sp.exact = o.exact_seed;
    sp.pct_k = o.pct_k;
    sp.shard_index = o.exact_seed ? 1 : o.shard_index;
    sp.shard_count = o.exact_seed ? 1 : o.shard_count;
    sp.count_states = false;
    sp.count_traces = false;
    if (o.search == search_kind::dpor) {
        sp.count_states = o.count_states;
        sp.count_traces = o.count_traces;
        sp.split_depth = static_cast<int>(o.split_depth);
        static subtree_share share;
        share = {o.subtree_index, o.subtree_count};
        if (o.claim) {
            sp.split_own = o.claim;
            sp.split_cookie = o.claim_cookie;
        } else if (o.subtree_count > 1) {
            sp.split_own = &own_share;
            sp.split_cookie = &share;
        }
    }
    stop_after_teardown() = o.search == search_kind::replay || o.exact_seed;
    // Relacy varies some behaviour with its scheduler type (is_random_sched()); the model uses
    // none of it, but the tree searches must say they are tree searches.
    switch (o.search) {
    case search_kind::sequential:
    case search_kind::replay:
        p.search_type = rl::sched_full;
        p.iteration_count = 1;
        break;
    case search_kind::random:
    case search_kind::pct:
        p.search_type = rl::sched_random;
        p.iteration_count = shard_iterations(o.iterations, sp.shard_index, sp.shard_count);
        break;
    case search_kind::full:
        p.search_type = rl::sched_full;
        break;
    case search_kind::bound:
        p.search_type = rl::sched_bound;
        p.context_bound = o.bound;
        break;
    case search_kind::dpor:
        p.search_type = rl::sched_bound;
        p.context_bound = o.bound;
        break;
    }
    p.execution_depth_limit = o.depth_limit;
    p.collect_history = o.relacy_history;
    model::rt::config cfg = o.cfg;
    cfg.max_kthreads = nr_kthreads;
    // Relacy counts its own atomics' steps too (two or three per model scheduling point): a
    // quarter of its limit keeps the runtime's soft-lockup report ahead of Relacy's livelock.
    cfg.max_sched_points = o.depth_limit / 4;
    off_focus_ptr off(new off_focus_store);
    off->classify = o.known_issue;
    cfg.off_focus = &on_off_focus;
    cfg.off_focus_cookie = off.get();
    model::rt::set_config(cfg);
    model::rt::get_stats() = model::rt::stats{};
    budget &b = current_budget();
    b = budget{};
    b.start = std::chrono::steady_clock::now();
    b.last_progress = b.start;
    b.progress = current_progress_hook().fn ? o.progress : nullptr;
    b.search = o.search;
    b.iterations = o.search == search_kind::random || o.search == search_kind::pct
                       ? shard_iterations(o.iterations, sp.shard_index, sp.shard_count)
                       : 0;
    b.max_executions = o.max_executions;
    b.max_seconds = o.max_seconds;
    if (o.max_seconds > 0) {
        b.timed = true;
        b.deadline = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(o.max_seconds));
    }
    return off;
}

run_result finish(const run_options &o, const rl::test_params &p, rl::test_result_e res,
                  const std::string &history, const off_focus_store &off)
{
    run_result r;
    r.relacy_history = history;
    const model::rt::stats &st = model::rt::get_stats();
    if (const budget &b = current_budget(); b.progress && b.progress_shown) {
        progress_info done = progress_of(b, st.executions, std::chrono::steady_clock::now());
        done.done = true;
        if (o.search == search_kind::dpor)
            done.pending = static_cast<std::int64_t>(last_dpor_stats().pending);
        if (const progress_hook &h = current_progress_hook(); h.fn)
            h.fn(done);
    }
    r.executions = st.executions;
    r.cut = st.cut;
    r.sched_points = st.sched_points;
    if (o.search == search_kind::dpor) {
        const dpor_stats &d = last_dpor_stats();
        r.subtrees = d.subtrees;
        r.subtrees_owned = d.subtrees_owned;
        r.owned_executions = d.owned_executions;
        r.digest = d.digest;
        r.subtree = d.subtree;
        r.states_counted = d.states_counted;
        r.states = d.states;
        r.traces_counted = d.traces_counted;
        r.traces = d.traces;
        r.cut_traces = d.cut_traces;
        r.abandoned = d.abandoned;
    }
    r.relacy_result = rl::test_result_str(res);
    if (res == rl::test_result_success) {
        r.v = verdict::clean;
        r.complete = o.search == search_kind::bound || o.search == search_kind::full ||
                     o.search == search_kind::dpor;
    } else if (res == rl::test_result_until_condition_hit && stop_after_teardown()) {
        // A replay's one execution ran to its end: clean, unless it recorded a finding in focus
        // that did not stop it (multi-shot, or a leak at its end).
        r.record = capture();
        r.trace = trace_from_log(current_log());
        mark_preemptions(r.record, r.trace);
        r.shape = shape_of(r.trace);
        r.script = script_from_trace(r.trace);
        r.v = verdict::clean;
        for (int i = 0; i < model::rt::nr_findings(); i++)
            if (model::rt::finding_at(i).in_focus) {
                r.v = verdict::found;
                r.known = o.known_issue ? o.known_issue(model::rt::finding_at(i)) : nullptr;
                break;
            }
    } else if (res == rl::test_result_until_condition_hit) {
        r.v = verdict::budget;
        if (o.search == search_kind::dpor)
            r.pending = static_cast<std::int64_t>(last_dpor_stats().pending);
        else if ((o.search == search_kind::random || o.search == search_kind::pct) && o.iterations)
            r.covered = static_cast<double>(r.executions) / static_cast<double>(o.iterations);
    } else {
        r.v = verdict::found;
        r.record = capture();
        for (int i = 0; i < model::rt::nr_findings() && o.known_issue; i++)
            if (model::rt::finding_at(i).in_focus) {
                r.known = o.known_issue(model::rt::finding_at(i));
                break;
            }
        r.trace = trace_from_log(current_log());
        r.shape = shape_of(r.trace);
        r.script = script_from_trace(r.trace);
        mark_preemptions(r.record, r.trace);
        r.exec_seed = current_search_params().exec_seed;
        r.exec_k = current_search_params().exec_k;
        r.exec_iter = current_search_params().exec_iter;
    }
    r.off_focus = off.count;
    r.has_off_focus = off.have;
    if (off.have) {
        r.first_off_focus = off.f;
        r.off_focus_known = off.known;
        r.off_focus_script = script_from_log(off.log);
        r.off_focus_seed = off.seed;
        r.off_focus_k = off.k;
    }
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - current_budget().start)
            .count();
    (void)p;
    return r;
}

}  // namespace detail
}  // namespace iowq
