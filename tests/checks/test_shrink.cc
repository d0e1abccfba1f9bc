// Shrinking (checks/shrink.cc): the shape of a schedule, the guided replay it rearranges
// schedules with, and the shrink itself on a padded schedule (it must get simpler and be proved
// minimal) and on an already minimal one (it must stay).
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "checks/checker.h"
#include "checks/report/text.h"
#include "checks/scenarios/scenario.h"

using namespace iowq;

namespace {

model_choice model_named(const char *name)
{
    std::string err;
    auto m = parse_model(name, err);
    REQUIRE(m);
    return *m;
}

const scenario_info &scenario(const char *name)
{
    const scenario_info *s = find_scenario(name);
    REQUIRE(s);
    return *s;
}

// A scenario's own search, with shrinking on an execution budget only (the same on every
// machine).
check_outcome checked(const char *name, const char *m, std::uint64_t shrink_executions,
                      std::optional<search_kind> search = std::nullopt, unsigned stay = 80)
{
    check_options o;
    o.search = search;
    o.stay = stay;
    o.iterations = 20000;
    o.max_seconds = 120;
    o.shrink_seconds = shrink_executions ? 1e9 : 0;
    o.shrink_executions = shrink_executions;
    return check(scenario(name), model_named(m), o);
}

}  // namespace

TEST_CASE("a schedule's shape: preemptions, context switches, scheduling points", "[shrink]")
{
    // Task 0 runs, is preempted by 1 (0 could go on), 1 blocks and 2 takes over (forced), then 0
    // preempts 2.
    choice_trace t;
    t.sched = {{0, 0, false}, {0, 0, true}, {1, 0, true}, {1, 1, true},
               {2, 0, false}, {0, 2, true}, {0, 0, true}};
    schedule_shape s = shape_of(t);
    CHECK(s.steps == 7);
    CHECK(s.switches == 3);
    CHECK(s.preemptions == 2);
    std::vector<segment> segs = segments_of(t);
    REQUIRE(segs.size() == 4);
    CHECK(segs[0].thread == 0);
    CHECK(segs[0].steps == 2);
    CHECK(segs[3].steps == 2);
    CHECK(simpler({10, 1, 5}, {5, 2, 1}));
    CHECK(simpler({5, 2, 9}, {6, 2, 1}));
    CHECK(simpler({5, 2, 1}, {5, 2, 2}));
    CHECK_FALSE(simpler({5, 2, 2}, {5, 2, 2}));
}

TEST_CASE("a dpor schedule has no more preemptions than its bound, as shape_of counts them",
          "[shrink]")
{
    // The proof of minimality rests on the two counts being one: what dpor's bound charges and
    // what the report prints.
    check_outcome r10 = checked("r10", "buggy", 0);
    REQUIRE(r10.search.v == verdict::found);
    CHECK(r10.search.shape.preemptions <= 1);
    CHECK(r10.recording.shape.preemptions == r10.search.shape.preemptions);
}

TEST_CASE("a guided replay of a schedule's own runs of tasks is that schedule", "[shrink]")
{
    check_outcome c = checked("r10", "buggy", 0);
    REQUIRE(c.search.v == verdict::found);
    std::vector<segment> segs = segments_of(c.recording.trace);
    schedule_script choices = script_from_trace(c.recording.trace);
    choices.threads.clear();
    static const std::string no_until;
    run_options o = options_for(scenario("r10"), model_named("buggy"), false, no_until, false);
    o.search = search_kind::replay;
    o.script = &choices;
    o.segments = &segs;
    run_result r = scenario("r10").run(o);
    CHECK(r.v == verdict::found);
    CHECK(same_decisions(r.trace, c.recording.trace));
    CHECK(r.shape.preemptions == c.recording.shape.preemptions);
}

TEST_CASE("known-bad: a padded schedule shrinks to a proved minimal one", "[shrink]")
{
    // The uniform random walk (--stay 0) switches tasks at most scheduling points: its schedule
    // of r8's WARNING has many preemptions; the sequential one (dpor's first) has none.
    check_outcome c = checked("r8", "buggy", 20000, search_kind::random, 0);
    REQUIRE(c.search.v == verdict::found);
    const shrink_outcome &sh = c.shrink;
    REQUIRE(sh.tried);
    INFO("before: " << sh.before.preemptions << " preemptions, after: " << sh.after.preemptions);
    CHECK(sh.before.preemptions >= 3);
    CHECK(sh.after.preemptions == 0);
    CHECK(sh.minimal);
    CHECK(sh.before_token != c.token);
    // The token printed replays the shrunk schedule, to the same finding.
    std::string err;
    auto spec = decode_token(c.token, err);
    REQUIRE(spec);
    check_outcome again = replay(*spec);
    CHECK(again.verdict == c.verdict);
    CHECK(same_decisions(again.recording.trace, c.recording.trace));
    // And the search's own token still replays the search's own schedule.
    auto before = decode_token(sh.before_token, err);
    REQUIRE(before);
    CHECK(replay(*before).recording.shape.preemptions == sh.before.preemptions);

    // r10 needs one preemption: a padded schedule comes down to one, proved minimal by dpor at
    // bound 0.
    check_outcome r10 = checked("r10", "buggy", 20000, search_kind::random, 0);
    REQUIRE(r10.search.v == verdict::found);
    CHECK(r10.verdict == scenario("r10").expect_buggy);
    CHECK(r10.shrink.before.preemptions > 1);
    CHECK(r10.shrink.after.preemptions == 1);
    CHECK(r10.shrink.proved_below == 1);
    CHECK(r10.shrink.minimal);
}

TEST_CASE("known-good: an already minimal schedule stays, with its token", "[shrink]")
{
    check_outcome c = checked("r11", "buggy", 20000);
    REQUIRE(c.search.v == verdict::found);
    CHECK(c.shrink.tried);
    CHECK(c.shrink.before.preemptions == 2);
    CHECK(c.shrink.after.preemptions == 2);
    CHECK(c.shrink.proved_below == 2);
    CHECK(c.shrink.minimal);
    CHECK(c.shrink.before_token == c.token);
    CHECK(c.shrink.kept == 0);
}

TEST_CASE("a shrink whose budget runs out says what it proved and no more", "[shrink]")
{
    // R1 needs a schedule dpor does not finish searching at bound 1 in 2,000 executions.
    check_outcome c = checked("r1", "buggy", 2000);
    REQUIRE(c.search.v == verdict::found);
    CHECK(c.shrink.after.preemptions < c.shrink.before.preemptions);
    CHECK_FALSE(c.shrink.minimal);
    CHECK(c.shrink.executions_ran_out);
    CHECK(c.shrink.incomplete_bound == c.shrink.proved_below);
    CHECK(c.shrink.executions <= 2000);
    CHECK(c.verdict == scenario("r1").expect_buggy);
}

TEST_CASE("the swimlane marks each preemption of the schedule, in the lane of the task it stopped",
          "[shrink]")
{
    // r11's schedule has two preemptions (dpor at bound 2, proved minimal above); r8's none.
    check_outcome c = checked("r11", "buggy", 0);
    REQUIRE(c.search.v == verdict::found);
    const execution_record &r = c.recording.record;
    CHECK(static_cast<int>(r.preemptions.size()) == c.recording.shape.preemptions);
    for (const preemption_mark &p : r.preemptions) {
        CHECK(p.task != p.by);
        CHECK(p.event <= static_cast<int>(r.events.size()));
    }
    std::string text = text_report(report_for(c, false));
    std::size_t marks = 0;
    for (std::size_t at = text.find("~~ preempted ~~"); at != std::string::npos;
         at = text.find("~~ preempted ~~", at + 1))
        marks++;
    CHECK(marks == r.preemptions.size());
    CHECK(marks == 2);

    check_outcome none = checked("r8", "buggy", 0);
    REQUIRE(none.search.v == verdict::found);
    CHECK(none.recording.record.preemptions.empty());
    CHECK(text_report(report_for(none, false)).find("~~ preempted") == std::string::npos);
}

namespace {

// The story of a finding (--view story) on a real record: shorter than its schedule; every step
// that changes a value of an object it follows, and every preemption, kept; the steps it keeps
// in the schedule's order; every other step counted once as left out.
void check_story(const check_outcome &c)
{
    report_input in = report_for(c, false);
    REQUIRE(in.record);
    schedule_view full = schedule_of(*in.record, in.finding);
    schedule_view story = schedule_of(*in.record, in.finding, schedule_detail::story);
    INFO(story_sentence(story));
    CHECK(story.steps.size() < full.steps.size());
    CHECK_FALSE(story.objects.empty());
    std::vector<int> kept;
    int counted = static_cast<int>(story.steps.size());
    for (const auto &[task, n] : story.left_out_at_end)
        counted += n;
    for (const schedule_step &s : story.steps) {
        kept.push_back(s.event);
        for (const auto &[task, n] : s.left_out)
            counted += n;
    }
    CHECK(counted == static_cast<int>(full.steps.size()));
    CHECK(std::is_sorted(kept.begin(), kept.end()));
    for (const schedule_step &s : full.steps) {
        bool on_object = s.value && std::find(story.objects.begin(), story.objects.end(),
                                              s.object) != story.objects.end();
        if (on_object || !s.preempted.empty()) {
            INFO("step " << s.event + 1 << ": " << s.text);
            CHECK(std::binary_search(kept.begin(), kept.end(), s.event));
        }
    }
}

}  // namespace

TEST_CASE("every scenario's finding on buggy shrinks to a schedule no less simple, that replays",
          "[shrink]")
{
    // Each scenario's own search on buggy, shrunk within 1,000 executions: the schedule shown is
    // never less simple than the search's, its token replays it to the same verdict, and a
    // schedule said to be minimal has exactly the preemptions proved to be needed.
    for (const scenario_info *s : scenarios()) {
        if (std::string_view(s->expect_buggy) == "clean")
            continue;
        INFO(s->name);
        check_options o;
        o.max_seconds = 120;
        o.shrink_seconds = 1e9;
        o.shrink_executions = 1000;
        check_outcome c = check(*s, model_named("buggy"), o);
        REQUIRE(c.search.v == verdict::found);
        CHECK(c.verdict == s->expect_buggy);
        REQUIRE(c.shrink.tried);
        CHECK_FALSE(simpler(c.shrink.before, c.shrink.after));
        CHECK(c.shrink.executions <= 1000);
        if (c.shrink.minimal)
            CHECK(c.shrink.proved_below == c.shrink.after.preemptions);
        else
            CHECK(c.shrink.proved_below < c.shrink.after.preemptions);
        std::string err;
        auto spec = decode_token(c.token, err);
        REQUIRE(spec);
        check_outcome again = replay(*spec);
        CHECK(again.verdict == c.verdict);
        CHECK(same_decisions(again.recording.trace, c.recording.trace));
        check_story(c);
    }
}
