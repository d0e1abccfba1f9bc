// Findings and the event log: raising a finding (its call chain, whether it is in the search's
// focus, whether the execution goes on), stopping the search with it, and the events a recorded
// execution logs for the schedule.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {
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

void record(const finding &f)
{
    engine &e = E();
    if (e.nfindings < max_findings)
        e.findings[e.nfindings++] = f;
}

rl::test_result_e relacy_result_for(finding_kind k)
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

void stop_search(const finding &f)
{
    engine &e = E();
    e.raising = true;
    rl::ctx().fail_test(f.what, relacy_result_for(f.kind), rl::debug_info(f.chain.innermost()));
    internal_error("fail_test returned");
}

// A data race is followed: as KCSAN reports and the kernel runs on, the execution goes on
// with the values the schedule produced, so that what the race breaks can be found.
bool followed(const finding &f)
{
    return f.kind == finding_kind::data_race && !f.fatal;
}

void judge(finding &f)
{
    engine &e = E();
    f.in_focus = (!e.cfg.until || f.chain.contains(e.cfg.until)) &&
                 (!e.cfg.focus || e.cfg.focus(f, e.cfg.cookie));
    if (!f.in_focus && e.cfg.off_focus)
        e.cfg.off_focus(f, e.cfg.off_focus_cookie);
}

void raise(finding f)
{
    engine &e = E();
    if (e.cut)
        return;  // the execution is being abandoned: nothing it does counts
    judge(f);
    record(f);
    bool goes_on = !f.fatal && (followed(f) || e.cfg.multi_shot);
    if (!f.in_focus) {
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

int (*g_decision_hook)() = nullptr;

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
    ev.decision = g_decision_hook ? g_decision_hook() : -1;
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
