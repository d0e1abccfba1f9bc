// Fault injection (model/rt: inject_fault) and r10's stall oracle, on the scenario that has both:
// a failure happens only where and as often as the scenario allows, the error path it opens is
// searched like any other step, and the oracle tells R10 (nobody woke the worker) from R13 (a
// wake-up lost to the worker's loop).
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "checks/checker.h"
#include "checks/scenarios/r10-manager-error-leaves-worker-asleep.h"
#include "checks/scenarios/scenario.h"

using namespace iowq;

namespace {

using focus_fn = bool (*)(const model::rt::finding &, const void *);

// Scenario `name`'s dpor search at `bound` on `model`, with a fault budget and, if given, a
// focus of its own instead of the scenario's.
run_result search_dpor(const char *name, const char *model, unsigned bound, int faults,
                       focus_fn focus, double max_seconds)
{
    const scenario_info *s = find_scenario(name);
    REQUIRE(s);
    std::string err;
    auto m = parse_model(model, err);
    REQUIRE(m);
    static const std::string no_until;
    run_options o = options_for(*s, *m, false, no_until, false);
    o.cfg.faults = faults;
    if (focus)
        o.cfg.focus = focus;
    o.search = search_kind::dpor;
    o.bound = bound;
    o.max_seconds = max_seconds;
    return s->run(o);
}

run_result search_r10(const char *model, int faults, focus_fn focus = nullptr)
{
    return search_dpor("r10", model, 1, faults, focus, 120);
}

bool r13_in_destroy(const model::rt::finding &f, const void *)
{
    return f.kind == model::rt::finding_kind::lost_wakeup &&
           std::string_view(f.what) == scenario::r10_missed_destroy;
}

}  // namespace

TEST_CASE("a failure the scenario allows opens the manager's error path", "[faults]")
{
    // Known-bad: buggy's error path wakes nobody, and the search finds it.
    run_result bad = search_r10("buggy", 1);
    CHECK(bad.v == verdict::found);
    CHECK(verdict_text(bad).find("nobody woke it") != std::string::npos);
    // Known-good: without a fault budget nothing fails, the error path never runs, and the same
    // search is complete and clean.
    run_result none = search_r10("buggy", 0);
    CHECK(none.v == verdict::clean);
    CHECK(none.complete);
    // Known-good: c4068bf898dd's manager wakes the workers on ERROR, so the same failures are
    // searched and the question comes out clean.
    run_result good = search_r10("patched", 1);
    CHECK(good.v == verdict::clean);
    CHECK(good.complete);
    // Without a budget, patched has nothing to fail either: fewer executions than with one.
    run_result good_none = search_r10("patched", 0);
    CHECK(good_none.v == verdict::clean);
    CHECK(good_none.executions < good.executions);
}

TEST_CASE("r10's oracle tells a wake-up lost to a kthread's loop (R13)", "[faults]")
{
    // Known-bad: on every version a worker can test EXIT, miss __io_wq_destroy()'s wake-up,
    // and sleep until its idle timeout; with that as the focus the search finds it.
    run_result lost = search_r10("patched", 1, &r13_in_destroy);
    CHECK(lost.v == verdict::found);
    CHECK(verdict_text(lost).find("missed its wake-up") != std::string::npos);
    REQUIRE(lost.known);
    CHECK(std::string_view(lost.known) == "R13");
}

namespace {

// R11 meeting c4068bf898dd's counting: the early worker exits and drops a wq->refs reference
// that the manager takes only after publishing it, whose refcount_inc() then finds 0.
bool refcount_on_wq_in_create(const model::rt::finding &f, const void *)
{
    return f.kind == model::rt::finding_kind::refcount && on_struct(f, "struct io_wq") &&
           f.chain.contains("create_io_worker");
}

// r11 allows no failure.
run_result search_r11(const char *model)
{
    return search_dpor("r11", model, 2, 0, &refcount_on_wq_in_create, 300);
}

}  // namespace

TEST_CASE("8b3e78b5955a's reference before the thread: no refcount_inc() on 0 in create_io_worker",
          "[.fix-8b3e78b5955a]")
{
    // Known-bad: c4068bf898dd without 8b3e78b5955a takes the worker's wq->refs after publishing
    // it, and R11's early worker can exit first.
    run_result bad = search_r11("c4068bf898dd,00c18640c243,e6ab8991c5d0,83d6c39310b6,bf1daa4bfc77");
    CHECK(bad.v == verdict::found);
    CHECK(verdict_text(bad) == "WARNING: refcount bug in create_io_worker");
    // Known-good: patched takes it before kthread_create_on_node(); the same search is complete
    // and finds no such warning.
    run_result good = search_r11("patched");
    CHECK(good.v == verdict::clean);
    CHECK(good.complete);
}
