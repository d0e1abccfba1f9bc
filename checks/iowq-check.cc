// iowq-check: search io-wq's interleavings for lifecycle bugs, print them in kernel terms, and
// replay them.
//
// Exit status: 0 nothing found in what was searched, 1 a violation found, 2 usage or input
// error, 3 the budget ran out before the search was complete.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checks/bench.h"
#include "checks/checker.h"
#include "checks/render.h"
#include "checks/shard.h"
#include "checks/report.h"
#include "model/fixes.h"

namespace {

using namespace iowq;

constexpr int exit_clean = 0;
constexpr int exit_found = 1;
constexpr int exit_usage = 2;
constexpr int exit_budget = 3;

bool color_out()
{
    return isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
}
bool progress_err()
{
    return isatty(STDERR_FILENO);
}

[[noreturn]] void usage_error(const std::string &msg)
{
    std::fprintf(stderr, "iowq-check: %s\n", msg.c_str());
    std::exit(exit_usage);
}

report_input report_of(const check_outcome &c)
{
    report_input in;
    in.scenario = c.scenario->name;
    in.model = c.model.name;
    in.verdict = c.verdict;
    if (c.search.v == verdict::found) {
        in.record = &c.recording.record;
        in.finding = focus_finding(c.recording);
        in.token = c.token;
    }
    in.color = color_out();
    return in;
}

std::string shard_text(const run_options &o)
{
    return o.shard_count > 1 ? fmt::format(", shard {}/{}", o.shard_index, o.shard_count) : "";
}

std::string search_name(const run_options &o)
{
    switch (o.strategy) {
    case search::random:
        return fmt::format("random search, seed {}{}", o.seed, shard_text(o));
    case search::pct:
        return fmt::format("PCT search, depth {}, seed {}{}", o.depth, o.seed, shard_text(o));
    case search::bound:
        return fmt::format("context-bound search, bound {}", o.bound);
    case search::dpor:
        return fmt::format("dpor search, bound {}", o.bound);
    case search::full:
        return "full search";
    case search::sequential:
        return "sequential run";
    case search::replay:
        return "replay";
    }
    return "?";
}

// One line about the search itself, for stderr: it is not part of the (replayable) report.
void print_search_summary(const check_outcome &c)
{
    const run_result &r = c.search;
    std::string what;
    switch (r.v) {
    case verdict::found:
        what = fmt::format("found in execution {} ({:.2f} s)", r.executions, r.seconds);
        break;
    case verdict::clean:
        what = r.complete ? fmt::format("nothing found; complete: {} executions ({:.2f} s)",
                                        r.executions, r.seconds)
                          : fmt::format("nothing found in {} executions ({:.2f} s)", r.executions,
                                        r.seconds);
        break;
    case verdict::budget:
        what = fmt::format("budget ran out after {} executions ({:.2f} s), search incomplete",
                           r.executions, r.seconds);
        break;
    }
    std::fprintf(stderr, "iowq-check: %s on %s, %s: %s\n", c.scenario->name, c.model.name.c_str(),
                 search_name(c.run).c_str(), what.c_str());
}

// Whether a finding outside the scenario's focus fails the run: it does unless it is a known
// issue (known_issue(), docs/findings.md).
bool off_focus_fails(const check_outcome &c)
{
    return !c.off_focus_verdict.empty() && !c.off_focus_known;
}

std::string known_text(const check_outcome &c)
{
    return c.off_focus_known ? fmt::format("the known issue {} (docs/findings.md), not a failure: ",
                                           c.off_focus_known)
                             : std::string();
}

void print_off_focus(const check_outcome &c, std::FILE *to)
{
    if (c.off_focus_verdict.empty())
        return;
    std::fprintf(to,
                 "\nAlso found, outside this scenario's focus (%s), in %llu execution(s): %s%s\n"
                 "iowq-check replay %s\n",
                 c.scenario->focus_text ? c.scenario->focus_text : "every finding",
                 static_cast<unsigned long long>(c.search.off_focus), known_text(c).c_str(),
                 c.off_focus_verdict.c_str(), c.off_focus_token.c_str());
}

nlohmann::json off_focus_json(const check_outcome &c)
{
    nlohmann::json j = {{"verdict", c.off_focus_verdict},
                        {"executions", c.search.off_focus},
                        {"replay", c.off_focus_token},
                        {"known_issue", c.off_focus_known ? c.off_focus_known : ""}};
    return j;
}

int status_of(const check_outcome &c)
{
    if (c.search.v == verdict::found || off_focus_fails(c))
        return exit_found;
    if (c.search.v == verdict::budget)
        return exit_budget;
    return exit_clean;
}

const scenario_info &scenario_or_die(const std::string &name)
{
    const scenario_info *s = find_scenario(name);
    if (!s) {
        std::string known;
        for (const scenario_info *x : scenarios())
            known += std::string(known.empty() ? "" : ", ") + x->name;
        usage_error("unknown scenario '" + name + "'; the scenarios are: " + known);
    }
    return *s;
}

model_choice model_or_die(const std::string &spec)
{
    std::string error;
    auto m = parse_model(spec, error);
    if (!m)
        usage_error(error);
    return *m;
}

replay_spec token_or_die(const std::string &token)
{
    std::string error;
    auto spec = decode_token(token, error);
    if (!spec)
        usage_error("bad replay token: " + error);
    if (!find_scenario_id(spec->scenario))
        usage_error("bad replay token: it names a scenario this iowq-check does not have");
    return *spec;
}

search strategy_of(const std::string &s)
{
    if (s == "random")
        return search::random;
    if (s == "pct")
        return search::pct;
    if (s == "bound")
        return search::bound;
    if (s == "full")
        return search::full;
    if (s == "dpor")
        return search::dpor;
    usage_error("unknown strategy '" + s + "'; the strategies are: random, pct, bound, dpor, full");
}

// ---- commands --------------------------------------------------------------------------------

int cmd_list()
{
    std::printf("Scenarios (expected verdicts: buggy / patched / parent / whatif-no-rcu):\n");
    for (const scenario_info *s : scenarios()) {
        std::string own = s->strategy == search::random
                              ? fmt::format("random, {} executions", s->executions)
                              : fmt::format("dpor, bound {}", s->bound);
        std::printf("  %s\n      %s\n      search:  %s\n      buggy:   %s\n      patched: %s\n"
                    "      parent:  %s\n      whatif-no-rcu: %s\n",
                    s->name, s->question, own.c_str(), s->expect_buggy, s->expect_patched,
                    s->expect_parent, s->expect_whatif);
    }
    std::printf("\nModels:\n");
    for (const model_version &v : model_versions)
        std::printf("  %-14s %s\n", v.name, v.what);
    std::printf("\nFixes (name any of them, comma-separated, as a model; buggy plus those):\n");
    for (const model_fix_info &f : model_fixes)
        std::printf("  %s  %s\n", f.id, f.title);
    std::printf("\nStrategies (a scenario's own search, the default of run, is dpor at its "
                "bound unless it names random):\n"
                "  bound   preemption-bounded exhaustive search (Relacy's context bound)\n"
                "  dpor    the same bound, with partial-order reduction (what verify uses)\n"
                "  full    exhaustive search of every interleaving (small scenarios only)\n"
                "  random  Relacy's random scheduler, with a seed\n"
                "  pct     probabilistic concurrency testing, with a seed and a depth\n");
    return exit_clean;
}

struct run_args {
    std::string scenario;
    std::string model = "buggy";
    std::string strategy;      // empty: the scenario's
    std::optional<int> bound;  // nothing: the scenario's
    std::uint64_t seed = 1;
    int depth = 3;
    std::uint64_t executions = 0;
    double seconds = 0;
    std::string until;
    bool multi_shot = false;
    std::string format = "text";
    std::string shard;  // "I/N", empty: not sharded
};

shard_spec shard_or_die(const std::string &s)
{
    std::string error;
    auto sh = parse_shard(s, error);
    if (!sh)
        usage_error(error);
    return *sh;
}

check_options options_of(const run_args &a)
{
    check_options o;
    if (!a.strategy.empty())
        o.strategy = strategy_of(a.strategy);
    if (a.bound && *a.bound < 1)
        usage_error("--bound must be 1 or more");
    o.bound = a.bound ? *a.bound : -1;
    o.seed = a.seed;
    if (a.depth < 1)
        usage_error("--depth must be 1 or more");
    o.depth = static_cast<unsigned>(a.depth);
    if (a.seconds < 0)
        usage_error("--max-seconds must not be negative");
    o.max_executions = a.executions;
    o.max_seconds = a.seconds;
    o.iterations = a.executions;
    o.until = a.until;
    o.multi_shot = a.multi_shot;
    return o;
}

int cmd_run(const run_args &a)
{
    const scenario_info &s = scenario_or_die(a.scenario);
    model_choice m = model_or_die(a.model);
    check_options o = options_of(a);
    o.progress = progress_err();
    std::optional<shard_spec> sh;
    if (!a.shard.empty()) {
        sh = shard_or_die(a.shard);
        search st = o.strategy ? *o.strategy : s.strategy;
        if (st != search::random && st != search::pct)
            usage_error("--shard splits a random or PCT search (run); a tree search is split by "
                        "scenario with verify --shard");
        if (a.format != "json")
            usage_error("--shard needs --format json: iowq-check merge puts the shards together");
        o.shard_index = sh->index;
        o.shard_count = sh->count;
    }
    check_outcome c = check(s, m, o);
    print_search_summary(c);
    report_input in = report_of(c);
    if (a.format == "json") {
        nlohmann::json j = json_report(in);
        j["search"] = {{"strategy", search_name(c.run)},
                       {"executions", c.search.executions},
                       {"complete", c.search.complete},
                       {"budget_ran_out", c.search.v == verdict::budget},
                       {"seconds", c.search.seconds}};
        if (c.search.v == verdict::found && c.search.exec_iter)
            j["search"]["iteration"] = c.search.exec_iter;
        if (sh) {
            // What makes two shards parts of one search: everything that changes an execution
            // or the budget, with the shard's own number kept apart.
            nlohmann::json config = {{"scenario", s.name},
                                     {"model", m.name},
                                     {"strategy", c.run.strategy == search::pct ? "pct" : "random"},
                                     {"seed", c.run.seed},
                                     {"depth", c.run.strategy == search::pct ? c.run.depth : 0},
                                     {"iterations", c.run.iterations},
                                     {"max_executions", c.run.max_executions},
                                     {"max_seconds", c.run.max_seconds},
                                     {"until", a.until},
                                     {"multi_shot", a.multi_shot}};
            j["shard"] = {
                {"command", "run"}, {"index", sh->index}, {"count", sh->count}, {"config", config}};
            j["status"] = status_of(c);
        }
        if (!c.off_focus_verdict.empty())
            j["outside_focus"] = off_focus_json(c);
        std::printf("%s\n", j.dump(2).c_str());
    } else if (a.format == "junit") {
        junit_case tc;
        tc.name = s.name;
        tc.classname = "iowq-check." + m.name;
        tc.seconds = c.search.seconds;
        if (c.search.v == verdict::found) {
            tc.failure = c.verdict;
            tc.details = text_report(in);
        } else if (off_focus_fails(c)) {
            tc.failure = c.off_focus_verdict;
            tc.details = "iowq-check replay " + c.off_focus_token;
        } else if (c.search.v == verdict::budget) {
            tc.skipped = true;
            tc.skip_message = "budget ran out before the search was complete";
        }
        std::printf("%s", junit_xml("iowq-check run", {tc}).c_str());
    } else {
        std::printf("%s", text_report(in).c_str());
        print_off_focus(c, stdout);
    }
    return status_of(c);
}

int cmd_replay(const std::string &token, const std::string &format, bool raw)
{
    replay_spec spec = token_or_die(token);
    check_outcome c = replay(spec, nullptr, nullptr, raw);
    report_input in = report_of(c);
    if (format == "json")
        std::printf("%s\n", json_report(in).dump(2).c_str());
    else
        std::printf("%s", text_report(in).c_str());
    if (raw) {
        // Relacy's own history of the same execution, for those who want it.
        std::printf("\nRelacy's history of the execution (%s):\n%s",
                    c.recording.relacy_result.c_str(),
                    c.recording.relacy_history.empty() ? "(Relacy printed none)\n"
                                                       : c.recording.relacy_history.c_str());
    }
    return c.recording.v == verdict::found ? exit_found : exit_clean;
}

// The pinned verdict of scenario s on a named model version, or nullptr for a fix list.
const char *pinned(const scenario_info &s, const model_choice &m)
{
    if (m.name == "buggy")
        return s.expect_buggy;
    if (m.name == "patched")
        return s.expect_patched;
    if (m.name == "parent")
        return s.expect_parent;
    if (m.name == "whatif-no-rcu")
        return s.expect_whatif;
    return nullptr;
}

struct verify_result {
    int status = exit_clean;
    bool as_pinned = true;  // every scenario's result agrees with its pinned verdict
};

// Every scenario, its own question, by the dpor search at `bound`; one certificate line each.
verify_result verify(const std::string &model, int bound, double seconds, const std::string &format,
                     std::uint64_t executions = 0, const std::optional<shard_spec> &shard = {})
{
    model_choice m = model_or_die(model);
    if (bound < 1)
        usage_error("--bound must be 1 or more");
    if (seconds < 0)
        usage_error("--max-seconds must not be negative");
    verify_result vr;
    std::vector<junit_case> cases;
    nlohmann::json all = nlohmann::json::array();
    if (format == "text") {
        std::printf("verify %s: every scenario's question, dpor search, preemption bound %d",
                    m.name.c_str(), bound);
        if (seconds > 0)
            std::printf(", at most %g s each", seconds);
        if (executions > 0)
            std::printf(", at most %llu executions each",
                        static_cast<unsigned long long>(executions));
        if (shard)
            std::printf("; shard %llu/%llu", static_cast<unsigned long long>(shard->index),
                        static_cast<unsigned long long>(shard->count));
        std::printf("\n");
        std::fflush(stdout);
    }
    nlohmann::json names = nlohmann::json::array();
    for (std::size_t k = 0; k < scenarios().size(); k++) {
        const scenario_info *s = scenarios()[k];
        names.push_back(s->name);
        if (shard && !verify_shard_has(*shard, k))
            continue;
        check_options o;
        o.strategy = search::dpor;
        o.bound = bound;
        o.max_seconds = seconds;
        o.max_executions = executions;
        check_outcome c = check(*s, m, o);
        bool found = c.search.v == verdict::found;
        const char *known = found ? c.search.known : nullptr;
        std::string result = known               ? fmt::format("known {}", known)
                             : found             ? std::string("FOUND")
                             : c.search.complete ? std::string("clean")
                                                 : std::string("clean so far");
        if ((found && !known) || off_focus_fails(c))
            vr.status = exit_found;
        else if (!c.search.complete && vr.status == exit_clean)
            vr.status = exit_budget;
        // A search contradicts the pinned verdict if it found something else, or found
        // nothing in a complete search, at least as deep as the scenario's own, where a
        // finding is pinned (an incomplete or shallower one may not have got there).
        if (const char *want = pinned(*s, m))
            if ((found && c.verdict != want) ||
                (!found && c.search.complete && bound >= static_cast<int>(s->bound) &&
                 want != std::string("clean")) ||
                off_focus_fails(c))
                vr.as_pinned = false;
        if (format == "text") {
            std::printf("  %-38s bound %d %9llu executions  %-12s complete: %-3s %s\n", s->name,
                        bound, static_cast<unsigned long long>(c.search.executions), result.c_str(),
                        c.search.complete ? "yes" : "no", found ? c.verdict.c_str() : "");
            if (found)
                std::printf("      iowq-check replay %s\n", c.token.c_str());
            if (!c.off_focus_verdict.empty())
                std::printf("      also found, outside this scenario's question: %s%s\n"
                            "      iowq-check replay %s\n",
                            known_text(c).c_str(), c.off_focus_verdict.c_str(),
                            c.off_focus_token.c_str());
            std::fflush(stdout);
        }
        junit_case tc;
        tc.name = s->name;
        tc.classname = "iowq-check.verify." + m.name;
        tc.seconds = c.search.seconds;
        if (known) {
            tc.skipped = true;
            tc.skip_message = fmt::format("the known issue {} (docs/findings.md): {}; "
                                          "iowq-check replay {}",
                                          known, c.verdict, c.token);
        } else if (found) {
            tc.failure = c.verdict;
            tc.details = "iowq-check replay " + c.token;
        } else if (off_focus_fails(c)) {
            tc.failure = c.off_focus_verdict;
            tc.details = "iowq-check replay " + c.off_focus_token;
        } else if (!c.search.complete) {
            tc.skipped = true;
            tc.skip_message = "budget ran out before the search was complete";
        }
        cases.push_back(tc);
        nlohmann::json j = {{"scenario", s->name},
                            {"model", m.name},
                            {"strategy", "dpor"},
                            {"bound", bound},
                            {"executions", c.search.executions},
                            {"result", known   ? "known"
                                       : found ? "found"
                                               : "clean"},
                            {"known_issue", known ? known : ""},
                            {"complete", c.search.complete},
                            {"seconds", c.search.seconds}};
        if (found)
            j["finding"] = {{"verdict", c.verdict}, {"replay", c.token}};
        if (!c.off_focus_verdict.empty())
            j["outside_focus"] = off_focus_json(c);
        all.push_back(j);
    }
    if (format == "json" && shard) {
        nlohmann::json config = {{"model", m.name},
                                 {"bound", bound},
                                 {"max_seconds", seconds},
                                 {"max_executions", executions},
                                 {"scenarios", names}};
        nlohmann::json j = {{"shard",
                             {{"command", "verify"},
                              {"index", shard->index},
                              {"count", shard->count},
                              {"config", config}}},
                            {"results", all},
                            {"status", vr.status}};
        std::printf("%s\n", j.dump(2).c_str());
    } else if (format == "json")
        std::printf("%s\n", all.dump(2).c_str());
    else if (format == "junit")
        std::printf("%s", junit_xml("iowq-check verify " + m.name, cases).c_str());
    return vr;
}

int cmd_verify(const std::string &model, int bound, double seconds, std::uint64_t executions,
               const std::string &format, const std::string &shard)
{
    std::optional<shard_spec> sh;
    if (!shard.empty()) {
        sh = shard_or_die(shard);
        if (format != "json")
            usage_error("--shard needs --format json: iowq-check merge puts the shards together");
    }
    return verify(model, bound, seconds, format, executions, sh).status;
}

// Where two recorded executions part: the first event that differs.
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

int cmd_diff(const std::string &token, const std::string &other)
{
    replay_spec spec = token_or_die(token);
    model_choice to = model_or_die(other);
    check_outcome first = replay(spec);
    // The same decisions, explicitly, step by step, on the other model.
    schedule_script all;
    const choice_log &log = current_log();
    for (int i = 0; i < log.nsched; i++)
        all.threads.emplace_back(static_cast<std::uint32_t>(i), log.sched[i].chosen);
    for (int i = 0; i < log.nrands; i++)
        all.rands.emplace_back(static_cast<std::uint32_t>(i), log.rands[i]);
    all.lenient = true;
    replay_spec again = spec;
    again.gen = 0;  // the decisions themselves, not the generator that made them
    again.script = all;
    script_status status;
    check_outcome second = replay(again, &to, &status);

    std::printf("iowq-check diff: %s, one schedule on two models\n\n", first.scenario->name);
    std::printf("  %-14s %s\n", first.model.name.c_str(), first.verdict.c_str());
    std::printf("  %-14s %s\n", to.name.c_str(), second.verdict.c_str());
    int at = first_difference(first.recording.record, second.recording.record);
    if (at < 0) {
        std::printf("\nThe two runs take the same steps.\n");
    } else {
        std::printf("\nThe runs part at step %d:\n  %-14s %s\n  %-14s %s\n", at + 1,
                    first.model.name.c_str(), event_line(first.recording.record, at).c_str(),
                    to.name.c_str(), event_line(second.recording.record, at).c_str());
    }
    if (status.diverged)
        std::printf("\nOn %s the schedule could not be followed from decision %u on (a task it "
                    "names is not runnable there); the sequential policy took over.\n",
                    to.name.c_str(), status.diverged_at);
    report_input in = report_of(second);
    if (second.recording.v == verdict::found) {
        in.record = &second.recording.record;
        in.finding = focus_finding(second.recording);
        in.token.clear();
        std::printf("\n%s", text_report(in).c_str());
    }
    return second.recording.v == verdict::found ? exit_found : exit_clean;
}

int cmd_bisect(double seconds, const std::string &only)
{
    if (seconds < 0)
        usage_error("--max-seconds must not be negative");
    const scenario_info *one = only.empty() ? nullptr : &scenario_or_die(only);
    const char *order[] = {"parent", "buggy"};
    std::printf("iowq-check bisect: each scenario over the versions parent (eba6f5a330cf) and "
                "buggy (24369c2e3bb0)\n\n");
    int status = exit_clean;
    for (const scenario_info *s : scenarios()) {
        if (one && s != one)
            continue;
        std::string first_bad;
        std::vector<std::string> verdicts;
        bool incomplete = false;
        for (const char *v : order) {
            check_options o;  // the scenario's own search, as its verdicts are pinned with
            o.max_seconds = seconds;
            check_outcome c = check(*s, model_or_die(v), o);
            verdicts.push_back(c.verdict);
            incomplete |= c.search.v == verdict::budget;
            if (first_bad.empty() && c.search.v == verdict::found)
                first_bad = v;
        }
        std::printf("  %s\n      parent: %s\n      buggy:  %s\n", s->name, verdicts[0].c_str(),
                    verdicts[1].c_str());
        if (first_bad == "parent")
            std::printf("      first bad: parent -- the bug is older than 24369c2e\n");
        else if (first_bad == "buggy")
            std::printf("      first bad: buggy -- 24369c2e3bb0 (io_uring: add io-wq workqueue "
                        "sharing)\n");
        else
            std::printf("      first bad: none%s\n", incomplete ? " found (budget ran out)" : "");
        if (!first_bad.empty())
            status = exit_found;
        else if (incomplete && status == exit_clean)
            status = exit_budget;
    }
    return status;
}

// With no arguments: find R1 on buggy, show it, run its schedule on patched, verify patched.
// Exits 0 if all of that came out as the scenarios pin it.
int cmd_demo()
{
    const scenario_info &s = scenario_or_die("r1-manager-creates-worker-after-exit");
    std::printf("==== 1. R1 on buggy (24369c2e3bb0): search ====\n\n");
    std::fflush(stdout);
    check_outcome c = check(s, model_or_die("buggy"), check_options{});
    print_search_summary(c);
    std::printf("%s", text_report(report_of(c)).c_str());
    if (c.search.v != verdict::found)
        return exit_budget;
    std::printf("\n==== 2. The same schedule on patched ====\n\n");
    std::fflush(stdout);
    int diff = cmd_diff(c.token, "patched");
    std::printf("\n==== 3. Verify patched at preemption bound 1 "
                "('iowq-check verify' does bound 2) ====\n\n");
    std::fflush(stdout);
    // An execution budget, not a time budget: the demo prints the same on every machine.
    verify_result v = verify("patched", 1, 0, "text", 20000);
    std::printf("\nR11, a race the era's fixes leave open, is described in docs/findings.md.\n");
    bool ok = c.verdict == s.expect_buggy && diff == exit_clean && v.as_pinned;
    std::printf("%s\n", ok ? "Every verdict is the one the scenarios pin."
                           : "Some verdict is not the one its scenario pins (see above).");
    return ok ? exit_clean : exit_found;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc == 1)
        return cmd_demo();

    // CLI11's own range check prints the whole range of a double; say it plainly.
    CLI::Validator not_negative(
        [](std::string &v) { return !v.empty() && v[0] == '-' ? "must not be negative" : ""; },
        "NOT NEGATIVE");

    CLI::App app{"iowq-check: searches io-wq's interleavings for lifecycle bugs.\n"
                 "With no arguments, runs the demo: R1 found on buggy, its schedule on patched, "
                 "and patched verified.\n"
                 "Exit status: 0 nothing found, 1 a violation found, 2 usage or input error, "
                 "3 budget ran out."};
    app.require_subcommand(1);

    app.add_subcommand("list", "List the scenarios, models, fixes and strategies");

    run_args ra;
    CLI::App *run = app.add_subcommand("run", "Search one scenario on one model version");
    run->add_option("--scenario", ra.scenario, "Scenario name (or a unique prefix, e.g. r1)")
        ->required();
    run->add_option("--model", ra.model,
                    "buggy, patched, parent, whatif-no-rcu, or comma-separated fix ids");
    run->add_option("--strategy", ra.strategy,
                    "random, pct, bound, dpor or full (default: the scenario's own search)");
    run->add_option("--bound", ra.bound,
                    "Preemptions, for bound and dpor (default: the "
                    "scenario's)");
    run->add_option("--seed", ra.seed, "Seed, for random and pct")->check(not_negative);
    run->add_option("--depth", ra.depth, "Depth, for pct");
    run->add_option("--max-executions", ra.executions, "Stop after this many executions")
        ->check(not_negative);
    run->add_option("--max-seconds", ra.seconds, "Stop after this many seconds");
    run->add_option("--until", ra.until,
                    "Go on until a finding in this kernel function (others end only their "
                    "execution)");
    run->add_flag("--multi-shot", ra.multi_shot,
                  "Keep going after a KASAN report or a WARNING, as kasan_multi_shot does");
    run->add_option("--format", ra.format, "text, json or junit")
        ->check(CLI::IsMember({"text", "json", "junit"}));
    run->add_option("--shard", ra.shard,
                    "I/N: run only executions i = I mod N of a random or PCT search (with "
                    "--format json; iowq-check merge joins the shards)");

    std::string token, rformat = "text";
    bool raw = false;
    CLI::App *rep = app.add_subcommand("replay", "Run the schedule of a replay token again");
    rep->add_option("token", token, "The token a report ends with")->required();
    rep->add_option("--format", rformat, "text or json")->check(CLI::IsMember({"text", "json"}));
    rep->add_flag("--relacy-history", raw, "Also print Relacy's raw history of the execution");

    std::string vmodel = "patched", vformat = "text";
    int vbound = 2;
    double vseconds = 30;
    CLI::App *ver = app.add_subcommand("verify", "Search every scenario's question, exhaustively "
                                                 "within a preemption bound");
    ver->add_option("--model", vmodel, "The model version to verify (default patched)");
    ver->add_option("--bound", vbound, "Preemption bound (default 2)");
    ver->add_option("--max-seconds", vseconds,
                    "Budget per scenario (default 30; 0: none); a search cut short says so");
    ver->add_option("--format", vformat, "text, json or junit")
        ->check(CLI::IsMember({"text", "json", "junit"}));
    std::uint64_t vexecutions = 0;
    ver->add_option("--max-executions", vexecutions,
                    "Execution budget per scenario (default none); a search cut short says so")
        ->check(not_negative);
    std::string vshard;
    ver->add_option("--shard", vshard,
                    "I/N: verify only the scenarios k = I-1 mod N (0-based, in list order), with "
                    "--format json; iowq-check merge joins the shards");

    std::vector<std::string> mfiles;
    std::string mformat = "text";
    CLI::App *mer = app.add_subcommand(
        "merge", "Join the JSON results of the shards of one sharded run or verify");
    mer->add_option("files", mfiles, "The shards' JSON results, one file each")->required();
    mer->add_option("--format", mformat, "text or json")->check(CLI::IsMember({"text", "json"}));

    std::string dtoken, dmodel = "patched";
    CLI::App *dif = app.add_subcommand("diff", "Run a token's schedule on another model version");
    dif->add_option("token", dtoken, "The token")->required();
    dif->add_option("--model", dmodel, "The other model version (default patched)");

    double bseconds = 60;
    std::string bscenario;
    CLI::App *bis = app.add_subcommand(
        "bisect", "Name the first bad version of each scenario (parent, then buggy)");
    bis->add_option("--max-seconds", bseconds, "Budget per search (default 60)");
    bis->add_option("--scenario", bscenario, "Only this scenario");

    bench_options bo;
    bool bquick = false;
    CLI::App *ben = app.add_subcommand(
        "bench", "Measure the searches: time and executions to the first finding, executions "
                 "per second, verify at several bounds, peak memory");
    ben->add_flag("--quick", bquick,
                  "A run of a few seconds (2 seeds, tiny budgets, bound 1); other options given "
                  "after it still apply");
    ben->add_option("--parts", bo.parts, "Which parts: find, rate, verify (default all)")
        ->delimiter(',');
    ben->add_option("--scenarios", bo.find_scenarios, "Scenarios of the find part (default r1,r8)")
        ->delimiter(',');
    ben->add_option("--strategies", bo.strategies,
                    "Strategies of the find part (default random,pct,bound,dpor,full)")
        ->delimiter(',');
    ben->add_option("--seeds", bo.seeds, "Seeds 1..N for random and pct (default 20)");
    ben->add_option("--find-seconds", bo.find_seconds, "Budget of each find search (default 10)")
        ->check(not_negative);
    ben->add_option("--find-executions", bo.find_executions,
                    "Execution budget of each find search (default none)")
        ->check(not_negative);
    ben->add_option("--rate-seconds", bo.rate_seconds,
                    "Seconds of random search per scenario for executions/s (default 2)")
        ->check(not_negative);
    ben->add_option("--bounds", bo.bounds, "Preemption bounds of the verify part (default 1,2,3)")
        ->delimiter(',');
    ben->add_option("--verify-seconds", bo.verify_seconds,
                    "Budget of each verify search (default 30; 0: none)")
        ->check(not_negative);
    ben->add_option("--verify-executions", bo.verify_executions,
                    "Execution budget of each verify search (default none)")
        ->check(not_negative);

    if (argc > 1 && argv[1][0] != '-') {
        bool known = false;
        for (const CLI::App *c : app.get_subcommands({}))
            known |= c->get_name() == argv[1];
        if (!known)
            usage_error(
                std::string("unknown command '") + argv[1] +
                "'; the commands are: list, run, replay, verify, diff, bisect, bench, merge");
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp &e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp &e) {
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        std::fprintf(stderr, "iowq-check: %s\n", e.what());
        std::fprintf(stderr, "Run 'iowq-check --help' for usage.\n");
        return exit_usage;
    }

    if (app.got_subcommand("list"))
        return cmd_list();
    if (run->parsed())
        return cmd_run(ra);
    if (rep->parsed())
        return cmd_replay(token, rformat, raw);
    if (ver->parsed())
        return cmd_verify(vmodel, vbound, vseconds, vexecutions, vformat, vshard);
    if (mer->parsed())
        return merge_shards(mfiles, mformat);
    if (dif->parsed())
        return cmd_diff(dtoken, dmodel);
    if (bis->parsed())
        return cmd_bisect(bseconds, bscenario);
    if (ben->parsed()) {
        if (bquick) {
            // --quick sets the defaults; an option given explicitly still wins.
            bench_options q = quick_bench();
            if (!ben->count("--seeds"))
                bo.seeds = q.seeds;
            if (!ben->count("--find-seconds"))
                bo.find_seconds = q.find_seconds;
            if (!ben->count("--find-executions"))
                bo.find_executions = q.find_executions;
            if (!ben->count("--rate-seconds"))
                bo.rate_seconds = q.rate_seconds;
            if (!ben->count("--bounds"))
                bo.bounds = q.bounds;
            if (!ben->count("--verify-seconds"))
                bo.verify_seconds = q.verify_seconds;
            if (!ben->count("--verify-executions"))
                bo.verify_executions = q.verify_executions;
        }
        return run_bench(bo);
    }
    return exit_usage;
}
