#include "checks/report/sarif.h"

#include <map>
#include <string_view>

#include <fmt/format.h>

#include "checks/report/kernel-lines.h"
#include "checks/report/splat.h"

namespace iowq {

using model::rt::finding;
using model::rt::finding_kind;

namespace {

constexpr const char *schema_uri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char *base_id = "KERNEL_SRC";

struct rule_text {
    const char *id;
    const char *name;   // SARIF's rule name: PascalCase
    const char *brief;  // shortDescription
    const char *full;   // fullDescription
};

// One rule per kind of finding (and per KASAN bug), in the order of finding_kind.
constexpr rule_text rules[] = {
    {"kasan-use-after-free", "KasanUseAfterFree", "KASAN: use-after-free",
     "An access to an object after it was freed (or after kfree_rcu() handed it to its grace "
     "period), as KASAN reports it."},
    {"kasan-slab-out-of-bounds", "KasanSlabOutOfBounds", "KASAN: slab-out-of-bounds",
     "An access outside the object it was meant for, as KASAN reports it."},
    {"kasan-double-free", "KasanDoubleFree", "KASAN: double-free or invalid-free",
     "An object freed twice, or a free of what is not an object, as KASAN reports it."},
    {"null-pointer-dereference", "NullPointerDereference",
     "BUG: unable to handle kernel NULL pointer dereference",
     "A NULL pointer dereferenced: the kernel oopses."},
    {"general-protection-fault", "GeneralProtectionFault", "general protection fault",
     "A poisoned or non-canonical pointer dereferenced: the kernel oopses."},
    {"refcount-warning", "RefcountWarning", "WARNING: refcount bug",
     "A refcount_t saturated: an increment on 0, an underflow or an overflow."},
    {"warning", "Warning", "WARNING", "A WARN_ON() or one of its kind fired."},
    {"kernel-bug", "KernelBug", "kernel BUG", "A BUG_ON() fired."},
    {"lockdep", "Lockdep", "WARNING: lock or RCU discipline broken",
     "A lock or RCU rule broken, as lockdep or PROVE_RCU would report it."},
    {"scheduling-while-atomic", "SchedulingWhileAtomic", "BUG: scheduling while atomic",
     "A task slept holding a spinlock or in an RCU read-side critical section."},
    {"task-hung", "TaskHung", "INFO: task hung",
     "Every task blocked for good, with no timer left that could help."},
    {"lost-wakeup", "LostWakeup", "INFO: lost wake-up",
     "Work or a waiter is left with nobody runnable to take it and nobody to wake for it."},
    {"memory-leak", "MemoryLeak", "memory leak",
     "An object, or a kernel thread, still there when every task has finished."},
    {"kcsan-data-race", "KcsanDataRace", "KCSAN: data-race",
     "Two accesses to a plain field, at least one a write, with nothing ordering them, as "
     "KCSAN reports them."},
    {"uninit-value", "UninitValue", "uninit-value", "A read of a field kmalloc() left unset."},
    {"soft-lockup", "SoftLockup", "BUG: soft lockup",
     "An execution that never ends (a task loops without end)."},
    {"check-failed", "CheckFailed", "CHECK FAILED",
     "What userspace saw is not what the scenario's question allows."},
    {"io-wq-work-completion", "IoWqWorkCompletion", "io-wq: work not completed once",
     "A work item handed to io-wq that is never run or cancelled, or is completed twice."},
    {"relacy-failure", "RelacyFailure", "another failure",
     "A failure Relacy reported that is none of the kinds above."},
};

const rule_text &rule_of(const finding &f)
{
    auto named = [](std::string_view id) -> const rule_text & {
        for (const rule_text &r : rules)
            if (id == r.id)
                return r;
        return rules[std::size(rules) - 1];
    };
    switch (f.kind) {
    case finding_kind::kasan:
        switch (static_cast<model::rt::kasan_bug>(f.sub)) {
        case model::rt::kasan_bug::use_after_free:
            return named("kasan-use-after-free");
        case model::rt::kasan_bug::out_of_bounds:
            return named("kasan-slab-out-of-bounds");
        case model::rt::kasan_bug::double_free:
        case model::rt::kasan_bug::invalid_free:
            return named("kasan-double-free");
        }
        break;
    case finding_kind::null_deref:
        return named("null-pointer-dereference");
    case finding_kind::gpf:
        return named("general-protection-fault");
    case finding_kind::refcount:
        return named("refcount-warning");
    case finding_kind::warn:
        return named("warning");
    case finding_kind::bug:
        return named("kernel-bug");
    case finding_kind::lockdep:
        return named("lockdep");
    case finding_kind::sleep_atomic:
        return named("scheduling-while-atomic");
    case finding_kind::hang:
        return named("task-hung");
    case finding_kind::lost_wakeup:
        return named("lost-wakeup");
    case finding_kind::leak:
        return named("memory-leak");
    case finding_kind::data_race:
        return named("kcsan-data-race");
    case finding_kind::uninit:
        return named("uninit-value");
    case finding_kind::livelock:
        return named("soft-lockup");
    case finding_kind::check:
        return named("check-failed");
    case finding_kind::work:
        return named("io-wq-work-completion");
    case finding_kind::other:
        break;
    }
    return named("relacy-failure");
}

// A frame as a call trace prints it ("name file:line [inline]"), split.
struct frame_place {
    std::string function;
    std::string where;  // "file:line", or ""
};

std::vector<frame_place> kernel_frames(const model::rt::call_chain &c, std::string_view event)
{
    std::vector<frame_place> out;
    for (const std::string &line : frame_lines(c, event, coordinates::kernel)) {
        frame_place p;
        std::size_t sp = line.find(' ');
        p.function = line.substr(0, sp);
        if (sp != std::string::npos) {
            std::size_t end = line.find(' ', sp + 1);
            p.where = line.substr(sp + 1, end == std::string::npos ? end : end - sp - 1);
        }
        out.push_back(std::move(p));
    }
    return out;
}

nlohmann::json logical(const std::string &function)
{
    return nlohmann::json::array({{{"name", function}, {"kind", "function"}}});
}

// A SARIF location: placed where the kernel has it, named by its function, with a message.
nlohmann::json location(const std::string &where, const std::string &function,
                        const std::string &text = {})
{
    nlohmann::json l = nlohmann::json::object();
    nlohmann::json p = sarif_physical_location(where);
    if (!p.is_null())
        l["physicalLocation"] = p;
    if (!function.empty())
        l["logicalLocations"] = logical(function);
    if (!text.empty())
        l["message"] = {{"text", text}};
    return l;
}

// The innermost frame of a chain that the kernel places in fs/ (io-wq.c or io_uring.c: the code
// under question), else its innermost placed frame, or nullptr.
const frame_place *placed(const std::vector<frame_place> &frames)
{
    for (const frame_place &p : frames)
        if (p.where.rfind("fs/", 0) == 0)
            return &p;
    for (const frame_place &p : frames)
        if (!p.where.empty())
            return &p;
    return nullptr;
}

// Where a result is: the placed frame of the finding's chain (its access, or the WARN's site).
// A finding whose chain has none (a KASAN access found as a race names its function only; a
// hang, a lost wake-up or a scenario's check has no access) is placed, saying so, by its task:
// where the task waits (its chain at the end), else the last line the task was seen on in the
// schedule in the finding's function, else the first line of that function the table has,
// else the last line the task was seen on at all; failing everything, on the file io-wq.c as a
// whole (no region), named by the function.
nlohmann::json primary_location(const execution_record &r, int finding_index)
{
    const finding &f = r.findings[static_cast<std::size_t>(finding_index)];
    std::vector<frame_place> frames = kernel_frames(f.chain, f.what);
    if (const frame_place *p = placed(frames))
        return location(p->where, p->function);
    std::string name(culprit(f.chain));
    auto said = [](const std::string &where, const std::string &function, const std::string &why) {
        return location(where, function, where + ": " + why);
    };
    if (f.task >= 0 && static_cast<std::size_t>(f.task) < r.tasks.size()) {
        const task_info &t = r.tasks[static_cast<std::size_t>(f.task)];
        std::vector<frame_place> waits = kernel_frames(t.chain, {});
        if (const frame_place *p = t.finished ? nullptr : placed(waits))
            return said(p->where, p->function,
                        fmt::format("where {} was, in {}(), when the finding was made",
                                    task_name(r, f.task), p->function));
    }
    schedule_view v = schedule_of(r, finding_index);
    for (auto s = v.steps.rbegin(); s != v.steps.rend(); ++s)
        if (s->task == f.task && s->function == name && !s->where.empty())
            return said(s->where, s->function,
                        fmt::format("the last line of {}() its task was seen on before the "
                                    "finding, which has no line of its own here",
                                    name));
    const kernel_line *first = nullptr;
    for (const kernel_line &k : kernel_lines)
        if (name == k.function && *k.file && (!first || k.line < first->line))
            first = &k;
    if (first)
        return said(fmt::format("{}:{}", first->file, first->line), name,
                    fmt::format("the first line of {}() the kernel-lines table has; the finding "
                                "is in {}(), on no line of its own here",
                                name, name));
    for (auto s = v.steps.rbegin(); s != v.steps.rend(); ++s)
        if (s->task == f.task && s->where.rfind("fs/", 0) == 0)
            return said(s->where, s->function,
                        fmt::format("the last line {} was seen on before the finding, in {}()",
                                    task_name(r, f.task), s->function));
    nlohmann::json l = {{"physicalLocation",
                         {{"artifactLocation", {{"uri", "fs/io-wq.c"}, {"uriBaseId", base_id}}}}}};
    if (!name.empty())
        l["logicalLocations"] = logical(name);
    return l;
}

nlohmann::json call_stack(const finding &f)
{
    nlohmann::json frames = nlohmann::json::array();
    for (const frame_place &p : kernel_frames(f.chain, f.what))
        frames.push_back({{"location", location(p.where, p.function)}});
    return {{"message", {{"text", "Call Trace"}}}, {"frames", frames}};
}

// The schedule: one thread flow per task, each step at its kernel place where the table has
// it, in the order of the whole schedule (executionOrder); the finding is the last step.
nlohmann::json code_flow(const execution_record &r, int finding_index, const nlohmann::json &at)
{
    schedule_view v = schedule_of(r, finding_index);
    const finding &f = r.findings[static_cast<std::size_t>(finding_index)];
    std::map<int, nlohmann::json> steps;
    for (int lane : v.lanes)
        steps[lane] = nlohmann::json::array();
    int order = 0;
    for (const schedule_step &s : v.steps) {
        std::string function = s.timer ? std::string() : s.function;
        steps[s.task].push_back({{"location", location(s.where, function, s.text)},
                                 {"executionOrder", ++order},
                                 {"properties", {{"step", s.event + 1}}}});
    }
    if (f.task >= 0) {
        nlohmann::json last = at;
        last["message"] = {
            {"text",
             "*** " + title(r, f) +
                 (at.contains("message") ? " (" + at["message"].value("text", "") + ")" : "")}};
        steps[f.task].push_back(
            {{"location", last}, {"executionOrder", ++order}, {"importance", "essential"}});
    }
    nlohmann::json flows = nlohmann::json::array();
    for (int lane : v.lanes) {
        if (steps[lane].empty())
            continue;
        std::string name = task_name(r, lane);
        flows.push_back({{"id", name}, {"message", {{"text", name}}}, {"locations", steps[lane]}});
    }
    return {{"message", {{"text", "The schedule that led there, one thread flow per task"}}},
            {"threadFlows", flows}};
}

}  // namespace

std::string sarif_rule_id(const finding &f)
{
    return rule_of(f).id;
}

nlohmann::json sarif_physical_location(const std::string &where)
{
    std::size_t colon = where.rfind(':');
    if (where.empty() || colon == std::string::npos)
        return nullptr;
    int line = 0;
    for (char c : where.substr(colon + 1)) {
        if (c < '0' || c > '9' || line > 1000000)
            return nullptr;
        line = line * 10 + (c - '0');
    }
    if (line <= 0)
        return nullptr;
    return {{"artifactLocation", {{"uri", where.substr(0, colon)}, {"uriBaseId", base_id}}},
            {"region", {{"startLine", line}}}};
}

nlohmann::json sarif_result(const sarif_finding &sf)
{
    const report_input &rep = sf.report;
    if (!rep.record || rep.finding < 0 ||
        static_cast<std::size_t>(rep.finding) >= rep.record->findings.size())
        return nullptr;
    const execution_record &r = *rep.record;
    const finding &f = r.findings[static_cast<std::size_t>(rep.finding)];
    const rule_text &rule = rule_of(f);
    std::string t = title(r, f);
    std::string text = t + "\n\n" + rep.scenario + " on " + rep.model;
    if (sf.known)
        text += fmt::format(": the known issue {} (docs/findings.md){}", sf.known,
                            sf.fails ? "" : ", not a failure");
    text += ".";
    if (!sf.context.empty())
        text += " " + sf.context;
    if (std::string sum = schedule_sentences(rep.schedule); !sum.empty())
        text += "\n" + sum;
    if (!rep.token.empty())
        text += "\niowq-check replay " + rep.token;
    nlohmann::json at = primary_location(r, rep.finding);
    nlohmann::json props = {
        {"scenario", rep.scenario},
        {"model", rep.model},
        {"title", t},
        {"known_issue", sf.known ? nlohmann::json(sf.known) : nlohmann::json(nullptr)},
        {"replay", rep.token},
        {"replay_command", rep.token.empty() ? "" : "iowq-check replay " + rep.token},
        {"report", format_finding(r, f, coordinates::kernel)}};
    schedule_json(props, rep.schedule);
    return {{"ruleId", rule.id},
            {"level", sf.fails ? "error" : "note"},
            {"message", {{"text", text}}},
            {"locations", nlohmann::json::array({at})},
            {"stacks", nlohmann::json::array({call_stack(f)})},
            {"codeFlows", nlohmann::json::array({code_flow(r, rep.finding, at)})},
            // What a code-scanning service groups alerts by: the question, model and finding.
            {"partialFingerprints",
             {{"iowqFinding/v1", rep.scenario + "|" + rep.model + "|" + rule.id + "|" + t}}},
            {"properties", props}};
}

nlohmann::json sarif_log(const std::string &version, const nlohmann::json &results,
                         const nlohmann::json &properties)
{
    nlohmann::json placed = nlohmann::json::array();
    nlohmann::json used = nlohmann::json::array();
    std::map<std::string, int> rule_index;
    for (nlohmann::json result : results) {
        std::string id = result.value("ruleId", "relacy-failure");
        if (!rule_index.count(id)) {
            const rule_text *rule = &rules[std::size(rules) - 1];
            for (const rule_text &x : rules)
                if (id == x.id)
                    rule = &x;
            rule_index[id] = static_cast<int>(used.size());
            used.push_back({{"id", rule->id},
                            {"name", rule->name},
                            {"shortDescription", {{"text", rule->brief}}},
                            {"fullDescription", {{"text", rule->full}}},
                            {"defaultConfiguration", {{"level", "error"}}}});
        }
        result["ruleIndex"] = rule_index[id];
        placed.push_back(std::move(result));
    }
    nlohmann::json driver = {{"name", "iowq-check"}, {"version", version}, {"rules", used}};
    nlohmann::json run = {
        {"tool", {{"driver", driver}}},
        {"originalUriBaseIds",
         {{base_id,
           {{"description",
             {{"text", "The top directory of a Linux kernel tree at 24369c2e3bb0, the commit "
                       "io-wq is modelled on: the files and lines are the kernel's."}}}}}}},
        {"columnKind", "utf16CodeUnits"},
        {"results", placed},
        {"properties", properties}};
    return {{"$schema", schema_uri}, {"version", "2.1.0"}, {"runs", nlohmann::json::array({run})}};
}

nlohmann::json sarif_log(const sarif_input &in)
{
    nlohmann::json results = nlohmann::json::array();
    for (const sarif_finding &sf : in.findings)
        if (nlohmann::json r = sarif_result(sf); !r.is_null())
            results.push_back(std::move(r));
    return sarif_log(in.version, results, in.properties);
}

}  // namespace iowq
