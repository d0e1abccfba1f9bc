#include "checks/report/text.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "checks/report/kernel-lines.h"
#include "checks/report/splat.h"

namespace iowq {

using model::rt::event;
using model::rt::event_kind;
using model::rt::finding;

namespace {

constexpr std::size_t lane_width = 30;

const char *red(bool c)
{
    return c ? "\033[1;31m" : "";
}
const char *yellow(bool c)
{
    return c ? "\033[33m" : "";
}
const char *bold(bool c)
{
    return c ? "\033[1m" : "";
}
const char *plain(bool c)
{
    return c ? "\033[0m" : "";
}

std::string count_of(int n, const char *one, const char *many)
{
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Names the heap objects of an execution by type and order of allocation ("io_worker#2"), so
// that a schedule can say whose reference count changed.
class object_names {
public:
    explicit object_names(const execution_record &r) : r_(r)
    {
        std::map<std::string, int> seen;
        for (const auto &a : r.allocs) {
            std::string t = a.type->name;
            if (t.rfind("struct ", 0) == 0)
                t = t.substr(7);
            names_.push_back(a.internal ? std::string() : t + "#" + std::to_string(++seen[t]));
        }
    }
    std::string of(std::uintptr_t report_addr) const
    {
        int i = index_of(report_addr);
        return i < 0 ? std::string() : names_[static_cast<std::size_t>(i)];
    }
    std::string name(int alloc) const { return names_[static_cast<std::size_t>(alloc)]; }
    // The allocation a report address lies in, or -1.
    int index_of(std::uintptr_t report_addr) const
    {
        if (!report_addr)
            return -1;
        std::uintptr_t off = report_addr - model::rt::report_heap_base;
        for (std::size_t i = 0; i < r_.allocs.size(); i++) {
            const auto &a = r_.allocs[i];
            if (off >= a.off && off < a.off + a.bytes)
                return static_cast<int>(i);
        }
        return -1;
    }

private:
    const execution_record &r_;
    std::vector<std::string> names_;
};

std::string event_text(const execution_record &r, const event &e, const object_names &names)
{
    std::string on = names.of(e.obj);
    std::string where = on.empty() ? "" : " [" + on + "]";
    std::string arg = *e.expr ? fmt::format("({})", e.expr) : "";
    switch (e.kind) {
    case event_kind::value:
        if (std::string_view(e.op).find("bit") != std::string_view::npos)
            return fmt::format("{}{} {:#x}->{:#x}{}", e.op, arg, e.before, e.after, where);
        return fmt::format("{}{} {}->{}{}", e.op, arg, e.before, e.after, where);
    case event_kind::wake:
        if (e.after)
            return fmt::format("wake_up_process -> {}", task_name(r, e.target));
        return fmt::format("wake_up_process({}): not asleep, nothing to do",
                           task_name(r, e.target));
    case event_kind::sleep:
        return fmt::format("{}: sleeps", e.op);
    case event_kind::timer:
        return "its timer fires";
    case event_kind::signal:
        return fmt::format("{} -> {}", e.op, task_name(r, e.target));
    case event_kind::alloc:
        return fmt::format("{} {}{}", e.op, e.expr, where);
    case event_kind::free:
        return fmt::format("{}({}){}", e.op, e.expr, where);
    case event_kind::create:
        return fmt::format("kthread_create -> {}", task_name(r, e.target));
    case event_kind::race:
        // A racing plain access (its value), or a write that overwrote another task's.
        if (e.before == e.after)
            return fmt::format("*** {} {:#x}{}", e.op, e.before, where);
        return fmt::format("*** {} {:#x} with {:#x}{}", e.op, e.before, e.after, where);
    case event_kind::state:
    case event_kind::lock:
    case event_kind::unlock:
    case event_kind::other:
        break;
    }
    return fmt::format("{}{}{}", e.op, arg, where);
}

// The kernel's file:line where an event's culprit (its innermost frame that is not a primitive)
// called the next frame in, or "" where the table does not say.
std::string culprit_location(const model::rt::call_chain &c)
{
    int depth = std::min(c.depth, model::rt::max_depth);
    for (int i = depth - 1; i >= 0; i--)
        if (!is_primitive(c.frame[i]))
            return i + 1 < depth ? kernel_location(c.frame[i], c.frame[i + 1], {}) : std::string();
    return {};
}

// Locks, a task's own state changes, and what init does (the scenario's setup) are left out.
bool shown(const event &e)
{
    return e.kind != event_kind::lock && e.kind != event_kind::unlock &&
           e.kind != event_kind::state && e.task != 0;
}

// The lane an event is drawn in: a timer's is the task whose timer fired.
int lane_task(const event &e)
{
    return e.kind == event_kind::timer ? e.target : e.task;
}

std::vector<std::string> wrap(const std::string &s, std::size_t width)
{
    std::vector<std::string> lines;
    std::string rest = s;
    while (rest.size() > width) {
        std::size_t cut = rest.rfind(' ', width);
        if (cut == std::string::npos || cut < width / 2)
            cut = width;
        lines.push_back(rest.substr(0, cut));
        rest = rest.substr(cut == width ? cut : cut + 1);
        rest = "  " + rest;
    }
    lines.push_back(rest);
    return lines;
}

bool io_wq_type(const model::rt::alloc_rec &a)
{
    std::string_view t = a.type->name;
    return t == "struct io_wq" || t == "struct io_wqe" || t == "struct io_worker";
}

// An io_wqe lives and dies with its io_wq: __io_wq_destroy() frees both once wq->refs has
// completed wq->done, so the story of either follows both.
bool wq_or_wqe(const model::rt::alloc_rec &a)
{
    std::string_view t = a.type->name;
    return t == "struct io_wq" || t == "struct io_wqe";
}

// The story of a finding, cut from its full schedule (see schedule_of() in text.h).
schedule_view story_of(const execution_record &r, int finding_index, schedule_view full,
                       const object_names &names)
{
    schedule_view v;
    v.story = true;
    v.full_steps = static_cast<int>(full.steps.size());
    // The objects: the finding's, and those of the data races reported before it.
    std::vector<int> objects;
    auto follow = [&](const finding &f) {
        if (f.alloc >= 0 && static_cast<std::size_t>(f.alloc) < r.allocs.size() &&
            !r.allocs[static_cast<std::size_t>(f.alloc)].internal &&
            std::find(objects.begin(), objects.end(), f.alloc) == objects.end())
            objects.push_back(f.alloc);
    };
    const finding *f =
        finding_index >= 0 && static_cast<std::size_t>(finding_index) < r.findings.size()
            ? &r.findings[static_cast<std::size_t>(finding_index)]
            : nullptr;
    for (int i : races_before(r, finding_index))
        follow(r.findings[static_cast<std::size_t>(i)]);
    if (f)
        follow(*f);
    bool wq_family = false;
    for (int i : objects)
        wq_family |= wq_or_wqe(r.allocs[static_cast<std::size_t>(i)]);
    for (std::size_t i = 0; wq_family && i < r.allocs.size(); i++)
        if (!r.allocs[i].internal && wq_or_wqe(r.allocs[i]) &&
            std::find(objects.begin(), objects.end(), static_cast<int>(i)) == objects.end())
            objects.push_back(static_cast<int>(i));
    if (objects.empty()) {
        v.io_wq_objects = true;
        for (std::size_t i = 0; i < r.allocs.size(); i++)
            if (!r.allocs[i].internal && io_wq_type(r.allocs[i]))
                objects.push_back(static_cast<int>(i));
    }
    std::sort(objects.begin(), objects.end());
    for (int i : objects)
        v.objects.push_back(names.name(i));
    auto on_objects = [&](const event &e) {
        int i = names.index_of(e.obj);
        return i >= 0 && std::binary_search(objects.begin(), objects.end(), i);
    };
    // The tasks involved: those that touched the objects, and the finding's.
    std::vector<int> involved;
    auto involve = [&](int task) {
        if (task >= 0 && std::find(involved.begin(), involved.end(), task) == involved.end())
            involved.push_back(task);
    };
    if (f)
        involve(f->task);
    for (const schedule_step &s : full.steps)
        if (on_objects(r.events[static_cast<std::size_t>(s.event)]))
            involve(s.task);
    auto is_involved = [&](int task) {
        return std::find(involved.begin(), involved.end(), task) != involved.end();
    };
    auto kept = [&](const schedule_step &s) {
        const event &e = r.events[static_cast<std::size_t>(s.event)];
        if (!s.preempted.empty() || on_objects(e))
            return true;
        switch (e.kind) {
        case event_kind::sleep:
            return is_involved(e.task);
        case event_kind::wake:
        case event_kind::timer:
        case event_kind::create:
        case event_kind::signal:
            return is_involved(e.target);
        default:
            return false;
        }
    };

    // Lanes: the tasks with a step in the story, the finding's, and each preempted one.
    for (const schedule_step &s : full.steps) {
        if (kept(s))
            v.lanes.push_back(s.task);
        for (const preemption_mark &p : s.preempted)
            v.lanes.push_back(p.task);
    }
    if (f && f->task >= 0 &&
        std::find(full.lanes.begin(), full.lanes.end(), f->task) != full.lanes.end())
        v.lanes.push_back(f->task);
    std::sort(v.lanes.begin(), v.lanes.end());
    v.lanes.erase(std::unique(v.lanes.begin(), v.lanes.end()), v.lanes.end());

    std::map<int, int> gap;
    for (schedule_step &s : full.steps) {
        if (!kept(s)) {
            bool lane = std::find(v.lanes.begin(), v.lanes.end(), s.task) != v.lanes.end();
            gap[lane ? s.task : -1]++;
            v.hidden_tasks_steps += !lane;
            continue;
        }
        s.left_out = std::move(gap);
        gap.clear();
        v.steps.push_back(std::move(s));
    }
    v.left_out_at_end = std::move(gap);
    return v;
}

}  // namespace

schedule_view schedule_of(const execution_record &r, int finding_index, schedule_detail detail)
{
    schedule_view v;
    // One lane per task that did something (init, the setup task, only if it did).
    for (const event &e : r.events)
        if (shown(e) && lane_task(e) >= 0 &&
            std::find(v.lanes.begin(), v.lanes.end(), lane_task(e)) == v.lanes.end())
            v.lanes.push_back(lane_task(e));
    if (finding_index >= 0 && static_cast<std::size_t>(finding_index) < r.findings.size()) {
        int task = r.findings[static_cast<std::size_t>(finding_index)].task;
        if (task >= 0 && std::find(v.lanes.begin(), v.lanes.end(), task) == v.lanes.end())
            v.lanes.push_back(task);
    }
    std::sort(v.lanes.begin(), v.lanes.end());

    object_names names(r);
    std::size_t mark = 0;
    for (std::size_t i = 0; i < r.events.size(); i++) {
        const event &e = r.events[i];
        if (!shown(e) || lane_task(e) < 0)
            continue;
        schedule_step s;
        s.event = static_cast<int>(i);
        // A preemption is drawn before the first step shown after it, in the lane of the task
        // it took off the CPU (if that task has a lane).
        for (; mark < r.preemptions.size() && r.preemptions[mark].event <= s.event; mark++)
            if (std::find(v.lanes.begin(), v.lanes.end(), r.preemptions[mark].task) !=
                v.lanes.end())
                s.preempted.push_back(r.preemptions[mark]);
        s.task = lane_task(e);
        s.timer = e.kind == event_kind::timer;
        if (!s.timer) {
            s.function = culprit(e.chain);
            s.where = culprit_location(e.chain);
        }
        s.text = event_text(r, e, names);
        if (e.kind == event_kind::value) {
            s.value = true;
            s.bits = std::string_view(e.op).find("bit") != std::string_view::npos;
            s.call = *e.expr ? fmt::format("{}({})", e.op, e.expr) : std::string(e.op);
            s.before = e.before;
            s.after = e.after;
            s.object = names.of(e.obj);
        }
        v.steps.push_back(std::move(s));
    }
    if (detail == schedule_detail::story)
        return story_of(r, finding_index, std::move(v), names);
    return v;
}

std::string swimlane(const execution_record &r, int finding_index, bool color,
                     schedule_detail detail)
{
    schedule_view v = schedule_of(r, finding_index, detail);
    const std::vector<int> &lanes = v.lanes;
    const finding *f =
        finding_index >= 0 && static_cast<std::size_t>(finding_index) < r.findings.size()
            ? &r.findings[static_cast<std::size_t>(finding_index)]
            : nullptr;
    auto column = [&](int task) {
        return static_cast<std::size_t>(std::find(lanes.begin(), lanes.end(), task) -
                                        lanes.begin());
    };

    std::string out;
    auto row = [&](std::size_t col, const std::string &text, const char *on, const char *off) {
        std::vector<std::string> lines = wrap(text, lane_width);
        for (const std::string &line : lines) {
            std::string s;
            for (std::size_t c = 0; c < lanes.size(); c++) {
                s += c ? " | " : "";
                if (c == col)
                    s += on + fmt::format("{:<{}}", line, lane_width) + off;
                else
                    s += std::string(lane_width, ' ');
            }
            while (!s.empty() && s.back() == ' ')
                s.pop_back();
            out += s + "\n";
        }
    };

    std::string header, rule;
    for (std::size_t c = 0; c < lanes.size(); c++) {
        header += (c ? " | " : "") + fmt::format("{:<{}}", task_name(r, lanes[c]), lane_width);
        rule += (c ? "-+-" : "") + std::string(lane_width, '-');
    }
    while (!header.empty() && header.back() == ' ')
        header.pop_back();
    out += bold(color) + header + plain(color) + "\n" + rule + "\n";

    // The story's steps left out, as one row: "..." and how many in each lane that had some.
    auto gap = [&](const std::map<int, int> &left_out) {
        std::string s;
        bool any = false;
        for (std::size_t c = 0; c < lanes.size(); c++) {
            auto it = left_out.find(lanes[c]);
            any |= it != left_out.end();
            std::string cell =
                it == left_out.end() ? "" : "  ... " + count_of(it->second, "step", "steps");
            s += (c ? " | " : "") + fmt::format("{:<{}}", cell, lane_width);
        }
        while (!s.empty() && s.back() == ' ')
            s.pop_back();
        if (any)
            out += s + "\n";
    };

    std::map<int, std::string> in_function;
    for (const schedule_step &s : v.steps) {
        gap(s.left_out);
        for (const preemption_mark &p : s.preempted)
            row(column(p.task), "~~ preempted ~~", yellow(color), plain(color));
        std::size_t col = column(s.task);
        if (!s.timer && in_function[s.task] != s.function) {
            in_function[s.task] = s.function;
            row(col, s.function + ":", bold(color), plain(color));
        }
        row(col, "  " + s.text, "", "");
    }
    gap(v.left_out_at_end);
    if (f && f->task >= 0)
        row(column(f->task), "*** " + title(r, *f), red(color), plain(color));
    return out;
}

int first_difference(const execution_record &a, const execution_record &b)
{
    std::size_t n = std::min(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < n; i++) {
        const auto &x = a.events[i];
        const auto &y = b.events[i];
        if (x.task != y.task || std::string_view(x.op) != y.op ||
            std::string_view(x.expr) != y.expr || x.before != y.before || x.after != y.after)
            return static_cast<int>(i);
    }
    return a.events.size() == b.events.size() ? -1 : static_cast<int>(n);
}

std::string event_line(const execution_record &r, int i)
{
    if (i < 0 || static_cast<std::size_t>(i) >= r.events.size())
        return "(the execution has ended)";
    const auto &e = r.events[static_cast<std::size_t>(i)];
    std::string arg = *e.expr ? fmt::format("({})", e.expr) : "";
    return fmt::format("{} in {}: {}{} {}->{}", task_name(r, e.task), culprit(e.chain), e.op, arg,
                       e.before, e.after);
}

std::vector<int> races_before(const execution_record &r, int finding_index)
{
    std::vector<int> v;
    for (int i = 0; i < finding_index && static_cast<std::size_t>(i) < r.findings.size(); i++)
        if (r.findings[static_cast<std::size_t>(i)].kind == model::rt::finding_kind::data_race)
            v.push_back(i);
    return v;
}

namespace {

// Words to lines of at most `width` columns (a longer word, a token, gets a line of its own).
std::string paragraph(const std::string &text, std::size_t width)
{
    std::string out, line;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find(' ', at);
        if (end == std::string::npos)
            end = text.size();
        std::string word = text.substr(at, end - at);
        at = end + 1;
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    return line.empty() ? out : out + line + "\n";
}

}  // namespace

std::string schedule_sentences(const schedule_summary &s)
{
    if (!s.shown)
        return "";
    std::string out = fmt::format("This schedule has {}, {} and {}.",
                                  count_of(s.preemptions, "preemption", "preemptions"),
                                  count_of(s.switches, "context switch", "context switches"),
                                  count_of(s.steps, "scheduling point", "scheduling points"));
    if (!s.shrunk && s.replayed)
        return out + " Replayed as the token gives it: run shrinks a schedule and says whether "
                     "it is minimal.";
    if (!s.shrunk)
        return out + " The search's own schedule, not shrunk (--no-shrink, or a shard of a "
                     "search).";
    if (s.minimal && s.preemptions == 0)
        out += " It is minimal: no preemption at all.";
    else if (s.minimal)
        out += fmt::format(" It is minimal: every schedule with {} was searched (dpor, complete "
                           "at bound {}) and none reaches this finding.",
                           s.proved_below == 1 ? "no preemption"
                                               : "at most " + count_of(s.proved_below - 1,
                                                                       "preemption", "preemptions"),
                           s.proved_below - 1);
    else {
        out += " Not proven minimal: ";
        if (s.proved_below > 0)
            out += fmt::format("no schedule with {} reaches it (dpor, complete at bound {}), ",
                               s.proved_below == 1
                                   ? std::string("no preemption")
                                   : "at most " +
                                         count_of(s.proved_below - 1, "preemption", "preemptions"),
                               s.proved_below - 1);
        if (s.incomplete_bound >= 0)
            out +=
                fmt::format("the search at bound {} ran out of shrinking's {}.", s.incomplete_bound,
                            s.seconds_ran_out ? "seconds" : "executions (--shrink-executions)");
        else if (s.seconds_ran_out || s.executions_ran_out)
            out += fmt::format("shrinking ran out of its {} before it could search below.",
                               s.seconds_ran_out ? "seconds" : "executions (--shrink-executions)");
        else
            out += "a simpler schedule was found but not shown.";
    }
    if (!s.note.empty())
        out += " Shrinking found " + s.note + ".";
    if (!s.before_token.empty())
        out += fmt::format(" Shrunk from the search's own schedule ({}, {}, {}; its token {}).",
                           count_of(s.before_preemptions, "preemption", "preemptions"),
                           count_of(s.before_switches, "context switch", "context switches"),
                           count_of(s.before_steps, "scheduling point", "scheduling points"),
                           s.before_token);
    return out;
}

std::string story_sentence(const schedule_view &v)
{
    if (!v.story)
        return "";
    std::string objects;
    for (std::size_t i = 0; i < v.objects.size(); i++)
        objects += (i == 0 ? "" : i + 1 == v.objects.size() ? " and " : ", ") + v.objects[i];
    std::string out =
        fmt::format("The story of the finding: {} of the {} the full schedule shows. ",
                    v.steps.size(), count_of(v.full_steps, "step", "steps"));
    if (v.io_wq_objects)
        out += fmt::format("The finding names no object, so the story follows io-wq's ({}): ",
                           objects.empty() ? std::string("none were allocated") : objects);
    else
        out += fmt::format("It follows {}: ", objects.empty() ? std::string("no object") : objects);
    const char *them = v.objects.size() == 1 ? "it" : "them";
    out += fmt::format("the steps on {0} (allocation, accesses, reference counts, atomics and "
                       "flags, free), the sleeps, wake-ups, timers and creation of the tasks that "
                       "touched {0}, and each preemption with the step after it. \"...\" counts "
                       "the steps left out in a lane",
                       them);
    if (v.hidden_tasks_steps > 0)
        out += fmt::format("; {} of tasks with no lane here are left out too",
                           count_of(v.hidden_tasks_steps, "step", "steps"));
    return out + ".";
}

void schedule_json(nlohmann::json &j, const schedule_summary &s)
{
    if (!s.shown) {
        for (const char *k : {"preemptions", "context_switches", "scheduling_points", "minimal",
                              "shrink", "original_schedule"})
            j[k] = nullptr;
        return;
    }
    j["preemptions"] = s.preemptions;
    j["context_switches"] = s.switches;
    j["scheduling_points"] = s.steps;
    j["minimal"] = s.shrunk ? nlohmann::json(s.minimal) : nlohmann::json(nullptr);
    j["shrink"] = nullptr;
    j["original_schedule"] = nullptr;
    if (s.shrunk)
        j["shrink"] = {{"proved_below", s.proved_below},
                       {"incomplete_bound", s.incomplete_bound >= 0
                                                ? nlohmann::json(s.incomplete_bound)
                                                : nlohmann::json(nullptr)},
                       {"executions", s.executions},
                       {"replays", s.replays},
                       {"kept", s.kept},
                       {"seconds_ran_out", s.seconds_ran_out},
                       {"executions_ran_out", s.executions_ran_out},
                       {"note", s.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.note)}};
    if (!s.before_token.empty())
        j["original_schedule"] = {{"token", s.before_token},
                                  {"preemptions", s.before_preemptions},
                                  {"context_switches", s.before_switches},
                                  {"scheduling_points", s.before_steps}};
}

std::string text_report(const report_input &in)
{
    std::string out = fmt::format("iowq-check: {} on {}: {}\n", in.scenario, in.model, in.verdict);
    if (!in.record || in.finding < 0)
        return out;
    const execution_record &r = *in.record;
    const finding &f = r.findings[static_cast<std::size_t>(in.finding)];
    std::vector<int> races = races_before(r, in.finding);
    if (!races.empty()) {
        out += fmt::format("\n{} came first. The kernel runs on after a KCSAN report, and so did "
                           "this execution,\nwith the values the race left:\n",
                           races.size() == 1 ? "A data race" : "Data races");
        for (int i : races)
            out += "\n" + format_finding(r, r.findings[static_cast<std::size_t>(i)], in.coords);
        out += "\nThen what it broke:\n";
    }
    out += "\n" + format_finding(r, f, in.coords);
    if (std::string sum = schedule_sentences(in.schedule); !sum.empty())
        out += "\n" + paragraph(sum, 100);
    if (in.view == schedule_detail::story) {
        schedule_view v = schedule_of(r, in.finding, in.view);
        out += "\n" + paragraph(story_sentence(v) + " --view full shows every step.", 100);
        out += "\nThe story that led there (one column per task, time flows down):\n\n";
    } else {
        out += "\nThe schedule that led there (one column per task, time flows down):\n\n";
    }
    out += swimlane(r, in.finding, in.color, in.view);
    if (!in.token.empty())
        out += "\niowq-check replay " + in.token + "\n";
    return out;
}

nlohmann::json json_finding(const execution_record &r, const finding &f, coordinates co)
{
    nlohmann::json j;
    j["title"] = title(r, f);
    j["task"] = task_name(r, f.task);
    j["call_trace"] = frame_lines(f.chain, f.what, co);
    j["report"] = format_finding(r, f, co);
    j["in_focus"] = f.in_focus;
    return j;
}

nlohmann::json json_report(const report_input &in)
{
    nlohmann::json j;
    j["scenario"] = in.scenario;
    j["model"] = in.model;
    j["verdict"] = in.verdict;
    j["known_issue"] = in.known ? nlohmann::json(in.known) : nlohmann::json(nullptr);
    schedule_json(j, in.schedule);
    if (in.record && in.finding >= 0) {
        const execution_record &r = *in.record;
        j["finding"] = json_finding(r, r.findings[static_cast<std::size_t>(in.finding)], in.coords);
        nlohmann::json races = nlohmann::json::array();
        for (int i : races_before(r, in.finding))
            races.push_back(json_finding(r, r.findings[static_cast<std::size_t>(i)], in.coords));
        j["races_before"] = races;
        object_names names(r);
        schedule_view v = schedule_of(r, in.finding, in.view);
        nlohmann::json steps = nlohmann::json::array();
        for (const schedule_step &st : v.steps) {
            const event &e = r.events[static_cast<std::size_t>(st.event)];
            nlohmann::json step = {{"step", st.event + 1},
                                   {"task", task_name(r, lane_task(e))},
                                   {"function", std::string(culprit(e.chain))},
                                   {"what", event_text(r, e, names)}};
            std::string where = culprit_location(e.chain);
            if (in.coords == coordinates::kernel && !where.empty())
                step["where"] = where;
            // The preemptions just before this step: who was taken off the CPU, who ran.
            if (!st.preempted.empty()) {
                nlohmann::json p = nlohmann::json::array();
                for (const preemption_mark &m : st.preempted)
                    p.push_back({{"task", task_name(r, m.task)}, {"by", task_name(r, m.by)}});
                step["preempted"] = p;
            }
            // The story: how many steps of the full schedule it left out just before this one.
            if (v.story) {
                int n = 0;
                for (const auto &[task, k] : st.left_out)
                    n += k;
                step["left_out_before"] = n;
            }
            steps.push_back(std::move(step));
        }
        j["schedule"] = steps;
        j["view"] = v.story ? "story" : "full";
        if (v.story)
            j["story"] = {{"objects", v.objects},
                          {"io_wq_objects", v.io_wq_objects},
                          {"full_steps", v.full_steps},
                          {"text", story_sentence(v)}};
        j["replay"] = in.token;
    }
    return j;
}

std::string xml_escape(std::string_view s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";  // the one spelling both XML and HTML know
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
                out += ' ';
            else
                out += c;
        }
    }
    return out;
}

std::string xml_attr_escape(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (c == '\n')
            out += "&#10;";
        else if (c == '\t')
            out += "&#9;";
        else if (c == '\r')
            out += "&#13;";
        else
            out += xml_escape(std::string_view(&c, 1));
    }
    return out;
}

std::string junit_budget_message(std::uint64_t executions, std::int64_t pending_branches,
                                 double covered)
{
    std::string m =
        fmt::format("budget ran out before the search was complete: {} executions", executions);
    if (pending_branches >= 0)
        m += fmt::format(", {} branches left on its path", pending_branches);
    else if (covered >= 0)
        m += fmt::format(", {:.0f}% of the executions asked for", 100 * covered);
    return m;
}

std::string junit_xml(const std::string &suite, const std::vector<junit_case> &cases)
{
    int failures = 0, skipped = 0;
    double total = 0;
    for (const junit_case &c : cases) {
        failures += !c.failure.empty();
        skipped += c.skipped && c.failure.empty();
        total += c.seconds;
    }
    // errors: iowq-check writes no <error> (junit_case says why), so it counts none.
    std::string counts = fmt::format("tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
                                     "time=\"{:.3f}\"",
                                     cases.size(), failures, skipped, total);
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites {}>\n", counts);
    out += fmt::format("  <testsuite name=\"{}\" {}>\n", xml_attr_escape(suite), counts);
    for (const junit_case &c : cases) {
        out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\"",
                           xml_attr_escape(c.name), xml_attr_escape(c.classname), c.seconds);
        if (c.failure.empty() && !c.skipped && c.system_out.empty()) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        // A case is a failure or skipped, never both (a test reporter counts it once).
        if (!c.failure.empty())
            out += fmt::format("      <failure message=\"{}\">{}</failure>\n",
                               xml_attr_escape(c.failure), xml_escape(c.details));
        else if (c.skipped)
            out +=
                fmt::format("      <skipped message=\"{}\"/>\n", xml_attr_escape(c.skip_message));
        if (!c.system_out.empty())
            out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(c.system_out));
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace iowq
