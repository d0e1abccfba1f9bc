// The list of scenarios, and the finding predicates they share.
#include <algorithm>

#include "checks/scenarios/base-attach-submit-teardown.h"
#include "checks/scenarios/r1-manager-creates-worker-after-exit.h"
#include "checks/scenarios/r3-enqueue-gets-exiting-worker.h"
#include "checks/scenarios/r4-idle-worker-exits-with-work-queued.h"
#include "checks/scenarios/r6-attached-ring-work-cancelled.h"
#include "checks/scenarios/r8-rlimit-nproc-zero-wake-worker.h"
#include "checks/scenarios/r9-exit-drain-unlinks-busy-worker.h"
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
    if (f.kind == finding_kind::lost_wakeup && std::string_view(f.what) == scenario::r12b_leak &&
        after_early_start_race(f))
        return "R12";
    return nullptr;
}

const std::vector<const scenario_info *> &scenarios()
{
    static const scenario_info list[] = {
        scenario::r1_info(),   scenario::r3_info(),   scenario::r4_info(),  scenario::r6_info(),
        scenario::r8_info(),   scenario::r9_info(),   scenario::r11_info(), scenario::r12_info(),
        scenario::r12b_info(), scenario::base_info(),
    };
    static const std::vector<const scenario_info *> all = [] {
        std::vector<const scenario_info *> v;
        for (const scenario_info &s : list)
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
// wq's wqe, if it is runnable (queued and the wqe not stalled); nullptr otherwise.
struct io_wqe_acct *queued_work_acct(struct io_wq *wq)
{
    if (!wq)
        return nullptr;
    struct io_wqe *wqe = wq->wqes.racy_load()[0].racy_load();
    struct io_wq_work_node *first = wqe->work_list.first.load_locked();
    if (!first || (wqe->flags.racy_load() & IO_WQE_FLAG_STALLED))
        return nullptr;
    struct io_wq_work *work = container_of(first, struct io_wq_work, list);
    return &wqe->acct[(work->flags.racy_load() & IO_WQ_WORK_UNBOUND) ? IO_WQ_ACCT_UNBOUND
                                                                     : IO_WQ_ACCT_BOUND];
}

}  // namespace

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
        return "work is queued and a free worker was not woken";
    if (acct->nr_workers.racy_load() < acct->max_workers.racy_load())
        return "work is queued and the manager was not woken";
    return nullptr;
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
