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

run_result search_r10(const char *model, int faults,
                      bool (*focus)(const model::rt::finding &, const void *) = nullptr)
{
    const scenario_info *s = find_scenario("r10");
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
    o.bound = 1;
    o.max_seconds = 120;
    return s->run(o);
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
