// The state census (checks/search/states.h) and the fingerprint it rests on (model/rt/rt.h,
// state_fingerprint()).
//
// The closure check is the fingerprint's test: whenever two scheduling decisions share a
// fingerprint and the same task then runs with the same choices, the fingerprints reached must
// be equal again. A fingerprint that left out part of the state lets two states that differ in
// that part look alike, and they part as soon as the difference shows; the known-bad
// fingerprints below, each without one of its three parts, must fail it. The same holds for the
// fingerprint with the happens-before hash, which a hash without the atomics' clocks fails.
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "checks/checker.h"
#include "checks/search/dpor.h"
#include "checks/search/runner.h"

using namespace iowq;

namespace {

run_result census(const char *scenario, unsigned bound, bool count)
{
    const scenario_info *s = find_scenario(scenario);
    REQUIRE(s);
    std::string err;
    auto m = parse_model("patched", err);
    REQUIRE(m);
    static const std::string no_until;
    run_options o = options_for(*s, *m, false, no_until, false, false);
    o.search = search_kind::dpor;
    o.bound = bound;
    o.count_states = count;
    o.max_seconds = 120;
    run_result r = s->run(o);
    if (count)
        std::printf("%s, bound %u, omit %u: %llu executions; %llu decisions, %llu distinct "
                    "states, %llu repeats (%llu first), %llu executions pass one; with "
                    "happens-before %llu repeats (%llu first), %llu executions; %llu transitions "
                    "checked, %llu differ; with happens-before %llu, %llu differ\n",
                    scenario, bound, model::rt::g_state_omit,
                    static_cast<unsigned long long>(r.executions),
                    static_cast<unsigned long long>(r.states.decisions),
                    static_cast<unsigned long long>(r.states.distinct),
                    static_cast<unsigned long long>(r.states.repeats),
                    static_cast<unsigned long long>(r.states.first_repeats),
                    static_cast<unsigned long long>(r.states.covered),
                    static_cast<unsigned long long>(r.states.repeats_hb),
                    static_cast<unsigned long long>(r.states.first_repeats_hb),
                    static_cast<unsigned long long>(r.states.covered_hb),
                    static_cast<unsigned long long>(r.states.transitions),
                    static_cast<unsigned long long>(r.states.mismatches),
                    static_cast<unsigned long long>(r.states.transitions_hb),
                    static_cast<unsigned long long>(r.states.mismatches_hb));
    return r;
}

void check_closed(const char *scenario, unsigned bound)
{
    run_result r = census(scenario, bound, true);
    CHECK(r.complete);
    CHECK(r.states_counted);
    // The check has something to check (states do repeat) and nothing differs.
    CHECK(r.states.transitions > 0);
    CHECK(r.states.mismatches == 0);
    CHECK(r.states.transitions_hb > 0);
    CHECK(r.states.mismatches_hb == 0);
    CHECK(r.states.distinct < r.states.decisions);
    CHECK(r.states.repeats > 0);
    CHECK(r.states.first_repeats <= r.states.covered);
    CHECK(r.states.covered <= r.executions);
    // Happens-before in the key can only tell more states apart.
    CHECK(r.states.repeats_hb <= r.states.repeats);
    CHECK(r.states.covered_hb <= r.states.covered);
    // Counting changes nothing the search does.
    run_result plain = census(scenario, bound, false);
    CHECK(!plain.states_counted);
    CHECK(plain.executions == r.executions);
    CHECK(plain.v == r.v);
}

std::uint64_t mismatches_without(unsigned omit, const char *scenario, unsigned bound,
                                 bool hb = false)
{
    model::rt::g_state_omit = omit;
    run_result r = census(scenario, bound, true);
    model::rt::g_state_omit = 0;
    return hb ? r.states.mismatches_hb : r.states.mismatches;
}

}  // namespace

TEST_CASE("the state fingerprint is closed under steps: r8, bound 1", "[states]")
{
    check_closed("r8-rlimit-nproc-zero-wake-worker", 1);
}
TEST_CASE("the state fingerprint is closed under steps: r9, bound 1", "[states]")
{
    check_closed("r9-exit-drain-unlinks-busy-worker", 1);
}
TEST_CASE("the state fingerprint is closed under steps: r11, bound 1", "[states]")
{
    check_closed("r11-manager-wakes-freed-worker", 1);
}
TEST_CASE("the state fingerprint is closed under steps: r3, bound 1", "[states]")
{
    check_closed("r3-enqueue-gets-exiting-worker", 1);
}

// A scenario without a prologue: the search's first decision comes before the execution is set
// up, when the runtime still holds the last execution of the previous search. Twice in one
// process, the second census must count what the first did.
TEST_CASE("a census without a prologue, twice in one process, counts the same", "[states]")
{
    run_result a = census("r10-manager-error-leaves-worker-asleep", 1, true);
    run_result b = census("r10-manager-error-leaves-worker-asleep", 1, true);
    CHECK(a.complete);
    CHECK(a.states.mismatches == 0);
    CHECK(a.states.transitions > 0);
    CHECK(b.executions == a.executions);
    CHECK(b.states.decisions == a.states.decisions);
    CHECK(b.states.distinct == a.states.distinct);
    CHECK(b.states.repeats == a.states.repeats);
    CHECK(b.states.covered == a.states.covered);
    CHECK(b.states.repeats_hb == a.states.repeats_hb);
}

// Known-bad: each part of the fingerprint left out in turn.
TEST_CASE("the closure check fails on a fingerprint without the tasks' histories", "[states]")
{
    CHECK(mismatches_without(1, "r3-enqueue-gets-exiting-worker", 1) > 0);
}
TEST_CASE("the closure check fails on a fingerprint without memory", "[states]")
{
    CHECK(mismatches_without(2, "r3-enqueue-gets-exiting-worker", 1) > 0);
}
TEST_CASE("the closure check fails on a fingerprint without the runtime's state", "[states]")
{
    CHECK(mismatches_without(4, "r3-enqueue-gets-exiting-worker", 1) > 0);
}

// Known-bad: the happens-before hash without the clocks Relacy keeps in its atomics (and hands
// a kthread when it starts). Two states alike in every other clock then look alike until a task
// acquires one of those clocks.
TEST_CASE("the happens-before closure check fails without the atomics' clocks", "[states]")
{
    CHECK(mismatches_without(8, "r3-enqueue-gets-exiting-worker", 1, true) > 0);
}
