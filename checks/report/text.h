// How iowq-check prints what it found: the kernel-style report, the schedule as one lane per
// task in kernel function names, and the replay line; and the same as JSON or JUnit XML.
// Pure functions of plain data: never inside Relacy's fibers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/report/record.h"
#include "checks/report/splat.h"

namespace iowq {

// How the schedule a report shows looks, and what shrinking (checks/shrink.cc) proved of it.
struct schedule_summary {
    bool shown = false;                            // the shape is known (a report of a finding)
    int preemptions = 0, switches = 0, steps = 0;  // steps: scheduling points
    bool shrunk = false;    // shrinking ran (run does by default; a replay does not)
    bool replayed = false;  // a replay of a token (else a search's, with --no-shrink)
    bool minimal = false;
    // Every schedule with fewer than this many preemptions was searched without the finding.
    int proved_below = 0;
    int incomplete_bound = -1;  // the bound whose search the shrink budget stopped, or -1
    bool seconds_ran_out = false, executions_ran_out = false;
    std::uint64_t executions = 0;  // shrinking's own
    int replays = 0, kept = 0;
    // The search's own schedule, when shrinking replaced it (else before_token is empty).
    std::string before_token;
    int before_preemptions = 0, before_switches = 0, before_steps = 0;
    std::string note;  // why a simpler schedule was not shown, if one was found
};

// The sentences every printer puts under a finding about its schedule: its preemptions, context
// switches and steps, whether it is minimal and how that is known, and the search's own schedule
// when shrinking replaced it. Empty when nothing is shown.
std::string schedule_sentences(const schedule_summary &s);
// The same in a JSON report: preemptions, context_switches, scheduling_points, minimal (null
// when shrinking did not run), shrink (what it did) and original_schedule (the search's own,
// when shrinking replaced it); all null without a finding.
void schedule_json(nlohmann::json &j, const schedule_summary &s);

// How much of the schedule a report draws: every step (the default), or the story of the finding
// (schedule_of() says which steps that is).
enum class schedule_detail { full, story };

struct report_input {
    std::string scenario;
    std::string model;
    std::string verdict;  // the title of the finding, or "clean"
    const execution_record *record = nullptr;
    int finding = -1;  // index in record->findings of the finding the report is about
    std::string token;
    const char *known = nullptr;  // the known issue the finding is (docs/findings.md), or nullptr
    bool color = false;
    // The kernel's file:line in the splats (the default), or the model's own, for whoever works
    // on the model (splat.h).
    coordinates coords = coordinates::kernel;
    schedule_summary schedule;
    schedule_detail view = schedule_detail::full;  // --view (text, JSON and HTML; SARIF: full)
};

// One step of a schedule as the printers draw it: an event of the record, in its task's lane.
struct schedule_step {
    int event = 0;         // index in record.events; diff's step numbers are this plus one
    int task = 0;          // the task whose lane it is drawn in
    bool timer = false;    // a timer fired (no function of its own)
    std::string function;  // the kernel function it happened in
    std::string where;     // the kernel's file:line of it in that function, or "" (kernel-lines.h)
    std::string text;      // what happened, as the text schedule prints it
    // An atomic, a refcount or a bit changed: call(expr) before->after, on object.
    bool value = false;
    bool bits = false;
    std::string call;  // e.g. "refcount_inc(&wq->refs)"
    long before = 0;
    long after = 0;
    std::string object;  // the heap object concerned, e.g. "io_wq#1", or ""
    // The preemptions just before this step (execution_record::preemptions): each a task taken
    // off the CPU while it could have gone on, and the task that ran instead.
    std::vector<preemption_mark> preempted;
    // The story only: the steps of the full schedule left out just before this one (before its
    // preemption marks too), by lane task; key -1 counts those of tasks with no lane.
    std::map<int, int> left_out;
};

// What the schedule shows of an execution: the lanes (task indexes, in order; init only if it
// did something) and the steps, in order.
struct schedule_view {
    std::vector<int> lanes;
    std::vector<schedule_step> steps;
    // The story only (else empty or 0): what it is about, the full schedule's steps, the steps
    // left out after the last one shown, and how many steps of tasks without a lane it left out.
    bool story = false;
    std::vector<std::string> objects;  // e.g. "io_worker#3"
    bool io_wq_objects = false;        // the finding names no object: io-wq's are followed
    int full_steps = 0;
    std::map<int, int> left_out_at_end;
    int hidden_tasks_steps = 0;
};
// The full schedule, or its story: the steps on the objects the report is about (the finding's
// own, and those of the data races reported before it; a finding that names no object, such as
// a lost wake-up or a WARN, follows io-wq's objects: struct io_wq, io_wqe and io_worker; an io_wqe
// and its io_wq are followed together, as they are freed together), which
// are their allocation, accesses, reference count and flag changes and free; the sleeps,
// wake-ups, timers and creation of the tasks that touched them; and each preemption with the
// first step after it. Lanes: the tasks with a step in it, the finding's, and each preempted one.
schedule_view schedule_of(const execution_record &r, int finding,
                          schedule_detail detail = schedule_detail::full);

// The schedule of an execution: one column per task, time flowing down, in kernel terms.
std::string swimlane(const execution_record &r, int finding, bool color,
                     schedule_detail detail = schedule_detail::full);
// The sentence that introduces a story: what it follows, and how much of the full schedule.
std::string story_sentence(const schedule_view &v);

// Where two recorded executions part: the index of the first event that differs, or -1.
int first_difference(const execution_record &a, const execution_record &b);
// One event as diff names it: "task in function: op(expr) before->after".
std::string event_line(const execution_record &r, int event);

// The data races an execution reported before the finding (followed, so they did not end it):
// the report shows them first, then what they broke.
std::vector<int> races_before(const execution_record &r, int finding);

// The whole report: verdict line, finding block, schedule, and "iowq-check replay <TOKEN>".
std::string text_report(const report_input &in);

nlohmann::json json_finding(const execution_record &r, const model::rt::finding &f,
                            coordinates co = coordinates::kernel);
nlohmann::json json_report(const report_input &in);

// One <testcase> of a JUnit report. A finding is a <failure>; a search whose budget ran out, or
// a finding that is a known issue, is <skipped> (iowq-check writes no <error>: its own errors
// exit 2 or 4 without a report, so the errors attribute counts none); `system_out` is what the
// text format prints for the case (the report with its replay token), in <system-out>.
struct junit_case {
    std::string name;
    std::string classname;
    double seconds = 0;
    std::string failure;  // empty: passed
    std::string details;
    bool skipped = false;
    std::string skip_message;
    std::string system_out;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(junit_case, name, classname, seconds, failure, details, skipped,
                                   skip_message, system_out)
std::string junit_xml(const std::string &suite, const std::vector<junit_case> &cases);
// The <skipped> message of a search cut short by its budget: how far it got.
std::string junit_budget_message(std::uint64_t executions, std::int64_t pending_branches,
                                 double covered);

// Escapes text for XML character data and attribute values (and HTML): markup, quotes, and the
// control characters XML 1.0 cannot hold (as spaces; tab and newline stay).
std::string xml_escape(std::string_view s);
// The same for an attribute value, where a parser would turn tab, newline and carriage return
// into spaces: they are written as character references.
std::string xml_attr_escape(std::string_view s);

}  // namespace iowq
