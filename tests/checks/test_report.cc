// The report printers, on hand-made records: this code never runs inside Relacy's fibers and is
// what the sanitizer preset instruments.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checks/report/sarif.h"
#include "checks/report/splat.h"
#include "checks/report/text.h"
#include "tests/checks/records.h"

using namespace iowq;
using model::rt::event;
using model::rt::event_kind;
using model::rt::finding;
using model::rt::finding_kind;

namespace {

execution_record two_tasks()
{
    execution_record r;
    task_info init;
    init.comm = "init";
    init.pid = 1;
    r.tasks.push_back(init);
    r.tasks.push_back(started_task(1, "io_wqe_worker-0"));
    r.tasks.back().kthread = true;
    r.tasks.push_back(started_task(2, "syz-executor"));
    return r;
}

const model::rt::type_desc wqe_type{"struct io_wqe", 96, nullptr};

}  // namespace

TEST_CASE("a KASAN report names the access, the object, and both call chains", "[report]")
{
    execution_record r = two_tasks();
    model::rt::alloc_rec a{};
    a.off = 0x40;
    a.bytes = 96;
    a.count = 1;
    a.type = &wqe_type;
    a.state = model::rt::alloc_state::freed;
    a.alloc_task = 2;
    a.alloc_chain = chain({"io_wq_create", "kzalloc_node"});
    a.free_task = 2;
    a.free_chain = chain({"io_wq_destroy", "__io_wq_destroy", "kfree"});
    a.rcu_task = -1;
    r.allocs.push_back(a);

    finding f{};
    f.kind = finding_kind::kasan;
    f.what = "use-after-free";
    f.task = 1;
    f.chain = chain({"ret_from_fork", "kthread", "io_wqe_worker", "io_worker_start", "atomic_inc"});
    f.addr = 0x40 + 24;
    f.size = 4;
    f.is_write = true;
    f.alloc = 0;
    r.findings.push_back(f);

    // The title names the first frame compiled out of line: atomic_inc is inlined (S7).
    CHECK(title(r, f) == "KASAN: use-after-free Write in io_worker_start");
    CHECK(format_finding(r, f) ==
          "==================================================================\n"
          "BUG: KASAN: use-after-free in atomic_inc [inline]\n"
          "BUG: KASAN: use-after-free in io_worker_start\n"
          "Write of size 4 at addr ffff888100000058 by task io_wqe_worker-0/2\n"
          "\n"
          "Call Trace:\n"
          " atomic_inc [inline]\n"
          " io_worker_start\n"
          " io_wqe_worker fs/io-wq.c:550\n"
          " kthread\n"
          " ret_from_fork\n"
          "\n"
          "Allocated by task syz-executor/3:\n"
          " kzalloc_node [inline]\n"
          " io_wq_create fs/io-wq.c:1071\n"
          "\n"
          "Freed by task syz-executor/3:\n"
          " kfree\n"
          " __io_wq_destroy [inline]\n"
          " io_wq_destroy fs/io-wq.c:1154\n"
          "\n"
          "The buggy address belongs to the object at ffff888100000040\n"
          " which belongs to struct io_wqe of size 96\n"
          "The buggy address is located 24 bytes inside of\n"
          " 96-byte region [ffff888100000040, ffff8881000000a0)\n"
          "==================================================================\n");
}

TEST_CASE("a WARNING names the site, the condition and the call chain", "[report]")
{
    execution_record r = two_tasks();
    finding f =
        wake_worker_warn(2, chain({"io_uring_enter", "io_wqe_enqueue", "io_wqe_wake_worker"}));
    CHECK(title(r, f) == "WARNING in io_wqe_wake_worker");
    // In the kernel's coordinates (the default): the WARN's line in S1, and each frame's call
    // line; io_uring_enter does not call io_wqe_enqueue in the kernel, so it has no line.
    CHECK(format_finding(r, f) == "------------[ cut here ]------------\n"
                                  "WARNING: CPU: 0 PID: 3 at fs/io-wq.c:280 io_wqe_wake_worker\n"
                                  "condition: !acct->max_workers\n"
                                  "CPU: 0 PID: 3 Comm: syz-executor/3\n"
                                  "Call Trace:\n"
                                  " io_wqe_wake_worker fs/io-wq.c:280\n"
                                  " io_wqe_enqueue fs/io-wq.c:779\n"
                                  " io_uring_enter\n"
                                  "---[ end trace ]---\n");
    // In the model's: its own file:line, frames by name.
    CHECK(format_finding(r, f, coordinates::model) ==
          "------------[ cut here ]------------\n"
          "WARNING: CPU: 0 PID: 3 at model/io-wq.cc:254 io_wqe_wake_worker\n"
          "condition: !acct->max_workers\n"
          "CPU: 0 PID: 3 Comm: syz-executor/3\n"
          "Call Trace:\n"
          " io_wqe_wake_worker\n"
          " io_wqe_enqueue\n"
          " io_uring_enter\n"
          "---[ end trace ]---\n");
}

TEST_CASE("a call trace prints the kernel's file:line, inline marks and inline helpers", "[report]")
{
    // R12's chain: the seed's frames, with the refcount helper the seed shows inside
    // refcount_inc_not_zero and the [inline] marks it shows.
    model::rt::call_chain c = chain(
        {"io_uring_enter", "io_submit_sqes", "io_submit_sqe", "io_queue_sqe", "__io_queue_sqe",
         "io_queue_async_work", "io_wq_enqueue", "io_wqe_enqueue", "io_wqe_wake_worker",
         "io_wqe_activate_free_worker", "io_worker_get", "refcount_inc_not_zero"});
    CHECK(frame_lines(c, "use-after-free", coordinates::kernel) ==
          std::vector<std::string>{
              "refcount_add_not_zero [inline]",
              "refcount_inc_not_zero include/linux/refcount.h:211 [inline]",
              "io_worker_get fs/io-wq.c:121 [inline]",
              "io_wqe_activate_free_worker fs/io-wq.c:259 [inline]",
              "io_wqe_wake_worker fs/io-wq.c:283", "io_wqe_enqueue fs/io-wq.c:779",
              "io_wq_enqueue fs/io-wq.c:786", "io_queue_async_work fs/io_uring.c:932",
              "__io_queue_sqe fs/io_uring.c:4552 [inline]", "io_queue_sqe fs/io_uring.c:4607",
              "io_submit_sqe fs/io_uring.c:4702 [inline]", "io_submit_sqes fs/io_uring.c:4856",
              "io_uring_enter fs/io_uring.c:6375"});
    CHECK(frame_lines(c, "use-after-free", coordinates::model).front() == "refcount_inc_not_zero");
}

TEST_CASE("a frame the table does not place prints its name alone", "[report]")
{
    // Known bad for the lookup: a pair of frames the kernel does not have (io_wqe_enqueue never
    // calls io_worker_get), a function that calls its callee on more than one line
    // (io_wqe_worker's two io_worker_handle_work), a WARN whose condition is not S1's, and a
    // name the table does not know. None may borrow a line. An [inline] mark is the function's,
    // not its line's: io_worker_get keeps it.
    CHECK(frame_lines(chain({"io_wqe_enqueue", "io_worker_get"}), {}, coordinates::kernel) ==
          std::vector<std::string>{"io_worker_get [inline]", "io_wqe_enqueue"});
    CHECK(frame_lines(chain({"io_wqe_worker", "io_worker_handle_work"}), {}, coordinates::kernel) ==
          std::vector<std::string>{"io_worker_handle_work", "io_wqe_worker"});
    CHECK(frame_lines(chain({"io_wqe_wake_worker"}), "!acct->nr_workers", coordinates::kernel) ==
          std::vector<std::string>{"io_wqe_wake_worker"});
    CHECK(frame_lines(chain({"syz", "model_helper"}), {}, coordinates::kernel) ==
          std::vector<std::string>{"model_helper", "syz"});
    execution_record r = two_tasks();
    finding f = wake_worker_warn(2, chain({"io_wq_create"}));
    f.what = "!bounded";
    CHECK(format_finding(r, f).find("WARNING: CPU: 0 PID: 3 at io_wq_create\n") !=
          std::string::npos);
}

TEST_CASE("titles skip the primitives to name the function at fault", "[report]")
{
    execution_record r = two_tasks();
    finding f{};
    f.task = 2;
    f.chain = chain({"io_worker_release", "refcount_dec_and_test", "refcount_warn_saturate"});
    f.kind = finding_kind::refcount;
    f.what = "refcount_t: underflow; use-after-free.";
    CHECK(title(r, f) == "WARNING: refcount bug in io_worker_release");
    f.kind = finding_kind::hang;
    f.chain = chain({"io_wq_destroy", "__io_wq_destroy", "wait_for_completion", "schedule"});
    CHECK(title(r, f) == "INFO: task hung in io_wq_destroy");
    // Cut short above an inlined frame: the nearest the chain has to its caller.
    f.chain = chain({"__io_wq_destroy", "wait_for_completion", "schedule"});
    CHECK(title(r, f) == "INFO: task hung in __io_wq_destroy");
    f.kind = finding_kind::leak;
    f.chain = chain({"io_wq_create", "kzalloc"});
    CHECK(title(r, f) == "memory leak in io_wq_create");
}

TEST_CASE("a hang hidden by timers names the blocked task, and says why no timer helps", "[report]")
{
    execution_record r = two_tasks();
    finding f{};
    f.kind = finding_kind::hang;
    f.task = 1;
    f.chain = chain({"io_ring_ctx_wait_and_kill", "wait_for_completion", "schedule"});
    f.what = model::rt::hang_hidden_by_timers;
    CHECK(title(r, f) == "INFO: task hung in io_ring_ctx_wait_and_kill");
    std::string text = format_finding(r, f);
    CHECK(text.find("blocked for good: no timer still pending can wake it\n") != std::string::npos);
    CHECK(text.find("an idle timeout that only starts the same sleep again") != std::string::npos);
    CHECK(text.find("no timer is pending: the system hangs") == std::string::npos);
    // Known-good: the hang with no timer left keeps its own text.
    f.what = "every task is blocked";
    text = format_finding(r, f);
    CHECK(text.find("INFO: every task is blocked and no timer is pending: the system hangs\n") !=
          std::string::npos);
    CHECK(text.find("blocked for good") == std::string::npos);
}

TEST_CASE("a KASAN title names the function the access was compiled into, as syzbot's do",
          "[report]")
{
    // syzbot's first R1 report (quoted in c4068bf898dd, S7): the access is atomic_inc's, inlined
    // with io_wqe_inc_running into io_wq_worker_running, which the title names; the first line
    // is printed once a frame out to that function.
    execution_record r = two_tasks();
    finding f{};
    f.kind = finding_kind::kasan;
    f.what = "use-after-free";
    f.task = 1;
    f.is_write = true;
    f.size = 4;
    f.alloc = -1;
    f.chain = chain({"ret_from_fork", "kthread", "io_wqe_worker", "schedule_timeout",
                     "io_wq_worker_running", "io_wqe_inc_running", "atomic_inc"});
    CHECK(title(r, f) == "KASAN: use-after-free Write in io_wq_worker_running");
    std::string text = format_finding(r, f);
    CHECK(text.find("BUG: KASAN: use-after-free in atomic_inc [inline]\n"
                    "BUG: KASAN: use-after-free in io_wqe_inc_running fs/io-wq.c:294 [inline]\n"
                    "BUG: KASAN: use-after-free in io_wq_worker_running fs/io-wq.c:607\n"
                    "Write of size 4") != std::string::npos);
    // In the model's coordinates, the model's innermost frame alone.
    CHECK(format_finding(r, f, coordinates::model)
              .find("BUG: KASAN: use-after-free in atomic_inc\nWrite of size 4") !=
          std::string::npos);
    // Known bad: the same access from a function the kernel compiles out of line is titled by it.
    f.chain = chain({"io_wq_manager", "create_io_worker", "atomic_inc"});
    CHECK(title(r, f) == "KASAN: use-after-free Write in create_io_worker");
    // KCSAN's title names the two functions the same way.
    f.kind = finding_kind::data_race;
    f.chain = chain({"io_wqe_worker", "io_worker_start", "io_wqe_inc_running", "atomic_inc"});
    f.other.chain = chain({"io_wqe_enqueue", "io_wqe_wake_worker", "io_wqe_activate_free_worker"});
    CHECK(title(r, f) == "KCSAN: data-race in io_worker_start / io_wqe_wake_worker");
}

TEST_CASE("heap addresses are the arena offset on a fixed kernel-like base", "[report]")
{
    CHECK(heap_addr(0) == "ffff888100000000");
    CHECK(heap_addr(0x1234) == "ffff888100001234");
    CHECK(task_name(two_tasks(), 1) == "io_wqe_worker-0/2");
    CHECK(task_name(two_tasks(), 7) == "?");
}

// The machine outputs CI systems read: SARIF 2.1.0 for code scanning, JUnit for test reports.
namespace {

// What SARIF 2.1.0 requires of a log, and what GitHub code scanning needs to place a result:
// every problem found, as text ("" each where all is well).
std::vector<std::string> sarif_problems(const nlohmann::json &log)
{
    std::vector<std::string> p;
    auto need = [&p](bool ok, const std::string &what) {
        if (!ok)
            p.push_back(what);
    };
    need(log.value("$schema", "").find("sarif-schema-2.1.0") != std::string::npos, "$schema");
    need(log.value("version", "") == "2.1.0", "version");
    need(log.contains("runs") && log["runs"].is_array() && log["runs"].size() == 1, "runs");
    if (!p.empty())
        return p;
    const nlohmann::json &run = log["runs"][0];
    need(run["tool"]["driver"].value("name", "") == "iowq-check", "tool.driver.name");
    need(run["tool"]["driver"]["rules"].is_array(), "tool.driver.rules");
    need(run["originalUriBaseIds"].contains("KERNEL_SRC"), "originalUriBaseIds.KERNEL_SRC");
    need(run["results"].is_array(), "results");
    if (!p.empty())
        return p;
    const nlohmann::json &rules = run["tool"]["driver"]["rules"];
    for (const nlohmann::json &r : run["results"]) {
        std::string id = r.value("ruleId", "");
        need(!id.empty(), "results[].ruleId");
        int i = r.value("ruleIndex", -1);
        need(i >= 0 && static_cast<std::size_t>(i) < rules.size() && rules[i]["id"] == id,
             "results[].ruleIndex names its rule");
        need(r.value("level", "") == "error" || r.value("level", "") == "note", "results[].level");
        need(!r["message"].value("text", "").empty(), "results[].message.text");
        need(r["locations"].is_array() && !r["locations"].empty(), "results[].locations");
        if (p.empty()) {
            const nlohmann::json &at = r["locations"][0]["physicalLocation"];
            need(at["artifactLocation"].value("uri", "") == "fs/io-wq.c", "the uri fs/io-wq.c");
            need(at["artifactLocation"].value("uriBaseId", "") == "KERNEL_SRC", "uriBaseId");
            need(at["region"].value("startLine", 0) > 0, "region.startLine > 0");
        }
        for (const nlohmann::json &flow : r["codeFlows"][0]["threadFlows"])
            need(!flow["locations"].empty(), "a thread flow has locations");
    }
    return p;
}

const model::rt::type_desc worker_type{"struct io_worker", 632, nullptr};

// R12's end: a worker frees itself, and a submission's refcount_inc_not_zero() reads it.
execution_record r12_record()
{
    execution_record r = two_tasks();
    model::rt::alloc_rec a{};
    a.off = 0x40;
    a.bytes = 632;
    a.count = 1;
    a.type = &worker_type;
    a.state = model::rt::alloc_state::freed;
    a.alloc_task = 1;
    a.alloc_chain = chain({"io_wq_manager", "create_io_worker", "kzalloc_node"});
    a.free_task = 1;
    a.free_chain = chain({"io_wqe_worker", "io_worker_exit", "kfree_rcu"});
    a.rcu_task = -1;
    r.allocs.push_back(a);
    r.events.push_back(event_of(1, chain({"io_wqe_worker", "io_worker_exit", "kfree_rcu"}),
                                event_kind::free, "kfree_rcu", "worker", 0, 0));
    r.events.push_back(event_of(2,
                                chain({"io_uring_enter", "io_wqe_enqueue", "io_wqe_wake_worker",
                                       "io_wqe_activate_free_worker", "rcu_dereference"}),
                                event_kind::other, "rcu_dereference", "", 0, 0));
    finding f{};
    f.kind = finding_kind::kasan;
    f.what = "use-after-free";
    f.task = 2;
    f.chain = chain({"io_uring_enter", "io_submit_sqes", "io_submit_sqe", "io_queue_sqe",
                     "__io_queue_sqe", "io_queue_async_work", "io_wq_enqueue", "io_wqe_enqueue",
                     "io_wqe_wake_worker", "io_wqe_activate_free_worker", "io_worker_get",
                     "refcount_inc_not_zero"});
    f.addr = 0x40;
    f.size = 4;
    f.alloc = 0;
    r.findings.push_back(f);
    return r;
}

report_input report_of(const execution_record &r, const char *token)
{
    report_input in;
    in.scenario = "r12-enqueue-gets-freed-worker";
    in.model = "buggy";
    in.verdict = title(r, r.findings[0]);
    in.record = &r;
    in.finding = 0;
    in.token = token;
    in.color = true;                 // SARIF has no colour, whatever the terminal
    in.coords = coordinates::model;  // and always the kernel's places
    return in;
}

}  // namespace

TEST_CASE("a SARIF log places a finding at the kernel's line of its access in fs/io-wq.c",
          "[report][sarif]")
{
    execution_record r = r12_record();
    sarif_input in;
    in.version = "0.1";
    in.findings.push_back({report_of(r, "Agw_TOKEN"), "R12", true, ""});
    nlohmann::json log = nlohmann::json::parse(sarif_log(in).dump());
    CHECK(sarif_problems(log) == std::vector<std::string>{});
    const nlohmann::json &run = log["runs"][0];
    CHECK(run["tool"]["driver"]["version"] == "0.1");
    REQUIRE(run["results"].size() == 1);
    const nlohmann::json &res = run["results"][0];
    CHECK(res["ruleId"] == "kasan-use-after-free");
    CHECK(res["ruleIndex"] == 0);
    CHECK(run["tool"]["driver"]["rules"].size() == 1);
    CHECK(res["level"] == "error");
    // The title line first; the token in the message and in the properties.
    std::string text = res["message"]["text"];
    CHECK(text.rfind("KASAN: use-after-free Read in io_wqe_wake_worker\n", 0) == 0);
    CHECK(text.find("the known issue R12 (docs/findings.md)") != std::string::npos);
    CHECK(text.find("\niowq-check replay Agw_TOKEN") != std::string::npos);
    CHECK(res["properties"]["replay"] == "Agw_TOKEN");
    CHECK(res["properties"]["known_issue"] == "R12");
    // The innermost frame in fs/: io_worker_get's refcount_inc_not_zero() on line 121 (the
    // frame inside it is include/linux/refcount.h's; the call stack has every frame).
    const nlohmann::json &at = res["locations"][0];
    CHECK(at["physicalLocation"]["region"]["startLine"] == 121);
    CHECK(at["logicalLocations"][0]["name"] == "io_worker_get");
    const nlohmann::json &frames = res["stacks"][0]["frames"];
    CHECK(frames[1]["location"]["physicalLocation"]["artifactLocation"]["uri"] ==
          "include/linux/refcount.h");
    CHECK(frames[1]["location"]["physicalLocation"]["region"]["startLine"] == 211);
    // One thread flow per task, the steps in the schedule's order, the finding last.
    const nlohmann::json &flows = res["codeFlows"][0]["threadFlows"];
    REQUIRE(flows.size() == 2);
    CHECK(flows[0]["id"] == "io_wqe_worker-0/2");
    CHECK(flows[1]["id"] == "syz-executor/3");
    CHECK(flows[0]["locations"][0]["executionOrder"] == 1);
    CHECK(flows[0]["locations"][0]["location"]["physicalLocation"]["region"]["startLine"] == 232);
    CHECK(flows[1]["locations"][0]["executionOrder"] == 2);
    CHECK(flows[1]["locations"][0]["location"]["physicalLocation"]["region"]["startLine"] == 254);
    const nlohmann::json &last = flows[1]["locations"].back();
    CHECK(last["executionOrder"] == 3);
    CHECK(last["location"]["message"]["text"] ==
          "*** KASAN: use-after-free Read in io_wqe_wake_worker");
    CHECK(last["location"]["physicalLocation"]["region"]["startLine"] == 121);
    // No colour and none of the model's places.
    std::string all = log.dump();
    CHECK(all.find("\033") == std::string::npos);
    CHECK(all.find("model/") == std::string::npos);
}

TEST_CASE("SARIF rule ids are one per kind of finding; a WARN is placed on its own line",
          "[report][sarif]")
{
    execution_record r = two_tasks();
    r.findings.push_back(
        wake_worker_warn(2, chain({"io_uring_enter", "io_wqe_enqueue", "io_wqe_wake_worker"})));
    CHECK(sarif_rule_id(r.findings[0]) == "warning");
    report_input rep = report_of(r, "AQs");
    rep.scenario = "r8-rlimit-nproc-zero-wake-worker";
    nlohmann::json res = sarif_result({rep, nullptr, true, ""});
    CHECK(res["locations"][0]["physicalLocation"]["region"]["startLine"] == 280);
    CHECK(res["properties"]["known_issue"].is_null());
    finding f = r.findings[0];
    f.kind = finding_kind::data_race;
    CHECK(sarif_rule_id(f) == "kcsan-data-race");
    f.kind = finding_kind::lost_wakeup;
    CHECK(sarif_rule_id(f) == "lost-wakeup");
    f.kind = finding_kind::kasan;
    f.sub = static_cast<std::uint8_t>(model::rt::kasan_bug::double_free);
    CHECK(sarif_rule_id(f) == "kasan-double-free");
    f.kind = finding_kind::work;
    f.sub = static_cast<std::uint8_t>(model::rt::work_bug::completed_twice);
    CHECK(sarif_rule_id(f) == "io-wq-work-completion");
    // Two findings of one kind share their rule.
    sarif_input in;
    in.findings = {{rep, nullptr, true, ""}, {rep, nullptr, true, ""}};
    nlohmann::json log = sarif_log(in);
    CHECK(log["runs"][0]["tool"]["driver"]["rules"].size() == 1);
    CHECK(log["runs"][0]["results"][1]["ruleIndex"] == 0);
}

TEST_CASE("a clean SARIF log is valid with no results; a known issue that does not fail is a note",
          "[report][sarif]")
{
    sarif_input clean;
    clean.version = "0.1";
    nlohmann::json log = sarif_log(clean);
    CHECK(sarif_problems(log) == std::vector<std::string>{});
    CHECK(log["runs"][0]["results"] == nlohmann::json::array());
    CHECK(log["runs"][0]["tool"]["driver"]["rules"] == nlohmann::json::array());
    // A report without a finding gives no result.
    report_input none;
    none.scenario = "r8-rlimit-nproc-zero-wake-worker";
    CHECK(sarif_result({none, nullptr, true, ""}).is_null());

    execution_record r = r12_record();
    sarif_input known;
    known.findings.push_back({report_of(r, "AgoT"), "R14", false, "Found outside the focus."});
    nlohmann::json res = sarif_log(known)["runs"][0]["results"][0];
    CHECK(res["level"] == "note");
    CHECK(std::string(res["message"]["text"])
              .find("R14 (docs/findings.md), not a failure. "
                    "Found outside the focus.") != std::string::npos);
    // Known bad for the shape check: a result in another file, or without a line.
    nlohmann::json bad = sarif_log(known);
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
    CHECK(sarif_problems(bad) == std::vector<std::string>{"region.startLine > 0"});
}

TEST_CASE("a SARIF physical location is a kernel file:line, or nothing", "[report][sarif]")
{
    nlohmann::json p = sarif_physical_location("fs/io-wq.c:283");
    CHECK(p["artifactLocation"]["uri"] == "fs/io-wq.c");
    CHECK(p["artifactLocation"]["uriBaseId"] == "KERNEL_SRC");
    CHECK(p["region"]["startLine"] == 283);
    CHECK(sarif_physical_location("").is_null());
    CHECK(sarif_physical_location("io_wqe_worker").is_null());
    CHECK(sarif_physical_location("fs/io-wq.c:0").is_null());
    CHECK(sarif_physical_location("fs/io-wq.c:12x").is_null());
}

TEST_CASE("JUnit counts errors, says how far a cut search got, and carries the report",
          "[report][junit]")
{
    junit_case found;
    found.name = "r8";
    found.classname = "iowq-check.buggy";
    found.failure = "WARNING in io_wqe_wake_worker";
    found.details = "the report\niowq-check replay AQs";
    found.system_out = "the report\niowq-check replay AQs\n";
    junit_case cut;
    cut.name = "r1";
    cut.classname = "iowq-check.patched";
    cut.skipped = true;
    cut.skip_message = junit_budget_message(20000, 54, -1);
    junit_case clean;
    clean.name = "r9";
    clean.classname = "iowq-check.patched";
    std::string xml = junit_xml("iowq-check verify patched", {found, cut, clean});
    CHECK(cut.skip_message ==
          "budget ran out before the search was complete: 20000 executions, 54 branches left on "
          "its path");
    CHECK(junit_budget_message(300, -1, 0.25) ==
          "budget ran out before the search was complete: 300 executions, 25% of the executions "
          "asked for");
    CHECK(xml.find("<testsuites tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" ") !=
          std::string::npos);
    CHECK(xml.find("  <testsuite name=\"iowq-check verify patched\" tests=\"3\" failures=\"1\" "
                   "errors=\"0\" skipped=\"1\" ") != std::string::npos);
    CHECK(xml.find("<skipped message=\"budget ran out before the search was complete: 20000 "
                   "executions, 54 branches left on its path\"/>") != std::string::npos);
    CHECK(xml.find("<system-out>the report\niowq-check replay AQs\n</system-out>") !=
          std::string::npos);
    CHECK(xml.find("<testcase name=\"r9\" classname=\"iowq-check.patched\" time=\"0.000\"/>") !=
          std::string::npos);
    REQUIRE(!xml.empty());
    CHECK(xml.back() == '\n');
}

TEST_CASE("JUnit escapes markup, quotes and control characters in attributes and text",
          "[report][junit]")
{
    junit_case c;
    c.name = "a<b>&\"c\"";
    c.classname = "x\ty";
    c.failure = "line one\nline two\r\x01";
    c.details = "<&>\"\x02\x1f\ttab\nnewline";
    c.system_out = "]]> & <system-out>";
    std::string xml = junit_xml("suite \"q\" & <s>", {c});
    CHECK(xml.find("<testsuite name=\"suite &quot;q&quot; &amp; &lt;s&gt;\"") != std::string::npos);
    CHECK(xml.find("<testcase name=\"a&lt;b&gt;&amp;&quot;c&quot;\" classname=\"x&#9;y\"") !=
          std::string::npos);
    // In an attribute a parser would read a newline, tab or CR as a space: references keep them.
    CHECK(xml.find("<failure message=\"line one&#10;line two&#13; \">") != std::string::npos);
    // In text XML 1.0 cannot hold control characters but tab and newline.
    CHECK(xml.find(">&lt;&amp;&gt;&quot;  \ttab\nnewline</failure>") != std::string::npos);
    CHECK(xml.find("<system-out>]]&gt; &amp; &lt;system-out&gt;</system-out>") !=
          std::string::npos);
    for (char ch : xml)
        CHECK((static_cast<unsigned char>(ch) >= 0x20 || ch == '\n' || ch == '\t'));
}
