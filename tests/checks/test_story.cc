// The story view (--view story) on a hand-made record: which steps it keeps, which lanes it draws,
// and how it counts what it leaves out; the full view beside it is left as it was.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checks/report/html.h"
#include "checks/report/splat.h"
#include "checks/report/text.h"
#include "tests/checks/records.h"

using namespace iowq;
using model::rt::event;
using model::rt::event_kind;
using model::rt::finding;
using model::rt::finding_kind;

namespace {

const model::rt::type_desc worker_type{"struct io_worker", 632, nullptr};
const model::rt::type_desc req_type{"struct io_kiocb", 200, nullptr};

model::rt::alloc_rec object(std::uintptr_t off, const model::rt::type_desc &t)
{
    model::rt::alloc_rec a{};
    a.off = off;
    a.bytes = static_cast<std::uint32_t>(t.size);
    a.count = 1;
    a.type = &t;
    a.alloc_task = -1;
    a.free_task = -1;
    a.rcu_task = -1;
    return a;
}

std::uintptr_t at(std::uintptr_t off)
{
    return model::rt::report_heap_base + off;
}

event on(event e, std::uintptr_t obj, int target = -1)
{
    e.obj = obj;
    e.target = target;
    return e;
}

// A worker's life and a submission that reads it after its free, among steps on a request the
// finding is not about, and a task (ring-b) taken off the CPU by the worker's last put.
//   events: 0 init's setup; 1 manager allocates the worker; 2 manager creates it; 3 ring-b on
//   the request; 4 the worker sleeps; 5 syz takes a reference; 6 syz on the request; 7 syz wakes
//   the worker; 8 ring-b sleeps; 9 the worker's last put (ring-b preempted just before it);
//   10 its free; 11 a bystander on the request.
execution_record worker_story(bool kasan)
{
    execution_record r;
    const char *names[] = {"init", "io_wqe_worker-0", "syz", "io_wq_manager", "ring-b", "other"};
    for (int i = 0; i < 6; i++)
        r.tasks.push_back(started_task(i, names[i]));
    r.allocs.push_back(object(0x40, worker_type));
    r.allocs.push_back(object(0x400, req_type));
    std::uintptr_t worker = at(0x40 + 8), req = at(0x400 + 16);
    auto mgr = chain({"io_wq_manager", "create_io_worker"});
    auto wrk = chain({"io_wqe_worker", "io_worker_exit"});
    auto sub = chain({"io_uring_enter", "io_wqe_enqueue", "io_wqe_activate_free_worker"});
    auto rb = chain({"ring_b", "io_uring_enter"});
    r.events.push_back(event_of(0, chain({"setup"}), event_kind::other, "setup", "", 0, 0));
    r.events.push_back(on(
        event_of(3, mgr, event_kind::alloc, "kzalloc_node", "struct io_worker", 0, 632), worker));
    r.events.push_back(on(event_of(3, mgr, event_kind::create, "kthread_create", "", 0, 0), 0, 1));
    r.events.push_back(
        on(event_of(4, rb, event_kind::value, "refcount_set", "&req->refs", 0, 2), req));
    r.events.push_back(event_of(1, wrk, event_kind::sleep, "schedule_timeout", "", 0, 0));
    r.events.push_back(
        on(event_of(2, sub, event_kind::value, "refcount_inc_not_zero", "&worker->ref", 1, 2),
           worker));
    r.events.push_back(
        on(event_of(2, sub, event_kind::value, "refcount_inc", "&req->refs", 2, 3), req));
    r.events.push_back(on(event_of(2, sub, event_kind::wake, "wake_up_process", "", 0, 1), 0, 1));
    r.events.push_back(event_of(4, rb, event_kind::sleep, "schedule", "", 0, 0));
    r.events.push_back(
        on(event_of(1, wrk, event_kind::value, "refcount_dec_and_test", "&worker->ref", 1, 0),
           worker));
    r.events.push_back(on(event_of(1, wrk, event_kind::free, "kfree_rcu", "worker", 0, 0), worker));
    r.events.push_back(on(
        event_of(5, chain({"other"}), event_kind::value, "refcount_dec", "&req->refs", 3, 2), req));
    r.preemptions.push_back({9, 4, 1});
    if (kasan) {
        finding f{};
        f.kind = finding_kind::kasan;
        f.what = "use-after-free";
        f.task = 2;
        f.chain = chain({"io_uring_enter", "io_wqe_activate_free_worker", "io_worker_get",
                         "refcount_inc_not_zero"});
        f.addr = 0x40;
        f.size = 4;
        f.alloc = 0;
        r.findings.push_back(f);
    } else {
        r.findings.push_back(wake_worker_warn(2, sub));
    }
    return r;
}

std::vector<int> events_of(const schedule_view &v)
{
    std::vector<int> e;
    for (const schedule_step &s : v.steps)
        e.push_back(s.event);
    return e;
}

int left_out(const std::map<int, int> &m)
{
    return std::accumulate(m.begin(), m.end(), 0,
                           [](int n, const auto &kv) { return n + kv.second; });
}

}  // namespace

TEST_CASE("the story keeps the finding's object, its tasks' sleeps and wake-ups, and preemptions",
          "[report][story]")
{
    execution_record r = worker_story(true);
    schedule_view full = schedule_of(r, 0);
    schedule_view story = schedule_of(r, 0, schedule_detail::story);

    // The full view is every step, as before: no story, nothing left out.
    CHECK_FALSE(full.story);
    CHECK(events_of(full) == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    CHECK(full.lanes == std::vector<int>{1, 2, 3, 4, 5});
    for (const schedule_step &s : full.steps)
        CHECK(s.left_out.empty());

    // The story: the worker's allocation, reference counts and free; the manager's creation of
    // the worker and syz's wake-up of it; the worker's sleep; not the request's steps, nor
    // ring-b's sleep, but ring-b's lane for the preemption that took it off the CPU.
    REQUIRE(story.story);
    CHECK(story.objects == std::vector<std::string>{"io_worker#1"});
    CHECK_FALSE(story.io_wq_objects);
    CHECK(events_of(story) == std::vector<int>{1, 2, 4, 5, 7, 9, 10});
    CHECK(story.lanes == std::vector<int>{1, 2, 3, 4});
    CHECK(story.full_steps == 11);
    REQUIRE(story.steps.size() == 7);
    CHECK(story.steps[2].left_out == std::map<int, int>{{4, 1}});  // ring-b's refcount_set
    CHECK(story.steps[4].left_out == std::map<int, int>{{2, 1}});  // syz's refcount_inc
    CHECK(story.steps[5].left_out == std::map<int, int>{{4, 1}});  // ring-b's sleep
    REQUIRE(story.steps[5].preempted.size() == 1);
    CHECK(story.steps[5].preempted[0].task == 4);
    CHECK(story.left_out_at_end == std::map<int, int>{{-1, 1}});  // the bystander's step
    CHECK(story.hidden_tasks_steps == 1);
    // Every step of the full schedule is in the story or counted as left out, once.
    int counted = static_cast<int>(story.steps.size()) + left_out(story.left_out_at_end);
    for (const schedule_step &s : story.steps)
        counted += left_out(s.left_out);
    CHECK(counted == story.full_steps);

    std::string text = swimlane(r, 0, false, schedule_detail::story);
    CHECK(text.find("... 1 step") != std::string::npos);
    CHECK(text.find("~~ preempted ~~") != std::string::npos);
    CHECK(text.find("req->refs") == std::string::npos);
    CHECK(text.find("other/6") == std::string::npos);
    CHECK(swimlane(r, 0, false).find("req->refs") != std::string::npos);
    CHECK(story_sentence(story).find("It follows io_worker#1: the steps on it") !=
          std::string::npos);
    CHECK(story_sentence(story).find("1 step of tasks with no lane here") != std::string::npos);
    CHECK(story_sentence(full).empty());
}

TEST_CASE("a finding that names no object has a story that follows io-wq's objects",
          "[report][story]")
{
    execution_record r = worker_story(false);
    schedule_view story = schedule_of(r, 0, schedule_detail::story);
    CHECK(story.io_wq_objects);
    CHECK(story.objects == std::vector<std::string>{"io_worker#1"});  // not the io_kiocb
    CHECK(events_of(story) == std::vector<int>{1, 2, 4, 5, 7, 9, 10});
    CHECK(story_sentence(story).find("names no object, so the story follows io-wq's "
                                     "(io_worker#1)") != std::string::npos);

    // Without an io-wq object at all, the story keeps what a story always keeps: the finding's
    // task's sleeps and wake-ups (syz has none: it wakes another), and the preemptions.
    r.allocs.erase(r.allocs.begin());
    schedule_view bare = schedule_of(r, 0, schedule_detail::story);
    CHECK(bare.objects.empty());
    CHECK(events_of(bare) == std::vector<int>{9});
    CHECK(story_sentence(bare).find("(none were allocated)") != std::string::npos);
}

TEST_CASE("the report says which view it draws, in text, JSON and HTML", "[report][story]")
{
    execution_record r = worker_story(true);
    report_input in;
    in.scenario = "r12-enqueue-gets-freed-worker";
    in.model = "buggy";
    in.verdict = title(r, r.findings[0]);
    in.record = &r;
    in.finding = 0;
    in.token = "AgwAAA";

    std::string full = text_report(in);
    CHECK(full.find("The schedule that led there") != std::string::npos);
    CHECK(full.find("The story") == std::string::npos);
    nlohmann::json jf = json_report(in);
    CHECK(jf["view"] == "full");
    CHECK(jf["schedule"].size() == 11);
    CHECK(jf["schedule"][0]["step"] == 2);
    CHECK_FALSE(jf.contains("story"));

    in.view = schedule_detail::story;
    std::string story = text_report(in);
    std::replace(story.begin(), story.end(), '\n', ' ');  // the sentence is wrapped
    CHECK(story.find("The story of the finding: 7 of the 11 steps") != std::string::npos);
    CHECK(story.find("--view full shows every step") != std::string::npos);
    CHECK(story.find("iowq-check replay AgwAAA") != std::string::npos);
    nlohmann::json js = json_report(in);
    CHECK(js["view"] == "story");
    CHECK(js["story"]["objects"] == nlohmann::json::array({"io_worker#1"}));
    CHECK(js["story"]["full_steps"] == 11);
    REQUIRE(js["schedule"].size() == 7);
    CHECK(js["schedule"][2]["step"] == 5);
    CHECK(js["schedule"][2]["left_out_before"] == 1);
    CHECK(js["schedule"][0]["left_out_before"] == 0);

    // The page has both tables and a toggle; --view picks the one checked.
    std::string page = html_report(in);
    CHECK(page.find("<table class=\"schedule\" id=\"story\"") != std::string::npos);
    CHECK(page.find("<table class=\"schedule\" id=\"run\"") != std::string::npos);
    CHECK(page.find("id=\"view-story\" checked") != std::string::npos);
    CHECK(page.find("id=\"view-full\" checked") == std::string::npos);
    CHECK(page.find("the story (7 of 11 steps)") != std::string::npos);
    in.view = schedule_detail::full;
    page = html_report(in);
    CHECK(page.find("id=\"view-full\" checked") != std::string::npos);
    CHECK(page.find("id=\"view-story\" checked") == std::string::npos);

    // A clean run has no schedule, in either view.
    report_input clean;
    clean.scenario = in.scenario;
    clean.model = "patched";
    clean.verdict = "clean";
    clean.view = schedule_detail::story;
    CHECK(text_report(clean) == "iowq-check: r12-enqueue-gets-freed-worker on patched: clean\n");
}
