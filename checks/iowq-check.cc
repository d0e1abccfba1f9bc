// iowq-check: search io-wq's interleavings for lifecycle bugs, print them in kernel terms, and
// replay them.
//
// Exit status: 0 nothing found in what was searched, 1 a violation found, 2 usage or input
// error, 3 the budget ran out before the search was complete; 4 only from replay --repeat, when
// a replay did not print what the first one did (the checker's own failure).
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checks/bench.h"
#include "checks/checker.h"
#include "checks/cli.h"
#include "checks/html.h"
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
constexpr int exit_internal = 4;  // the checker's own failure (a replay that did not repeat)

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
    return report_for(c, color_out());
}

std::string shard_text(const run_options &o)
{
    return o.shard_count > 1 ? fmt::format(", shard {}/{}", o.shard_index, o.shard_count) : "";
}

std::string search_name(const run_options &o)
{
    switch (o.strategy) {
    case search::random:
        return fmt::format("random search, stay {}%, seed {}{}", o.stay, o.seed, shard_text(o));
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
        if (r.pending >= 0)
            what += fmt::format("; {} branches of the bound-{} tree still to try on its path "
                                "(each a subtree)",
                                r.pending, c.run.bound);
        else if (r.covered >= 0)
            what += fmt::format("; {:.0f}% of the executions asked for", 100 * r.covered);
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

std::string off_focus_text(const check_outcome &c)
{
    return fmt::format("Also found, outside this scenario's focus ({}), in {} execution(s): {}{}\n"
                       "iowq-check replay {}\n",
                       c.scenario->focus_text ? c.scenario->focus_text : "every finding",
                       c.search.off_focus, known_text(c), c.off_focus_verdict, c.off_focus_token);
}

void print_off_focus(const check_outcome &c, std::FILE *to)
{
    if (c.off_focus_verdict.empty())
        return;
    std::fprintf(to, "\n%s", off_focus_text(c).c_str());
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
                "  random  a random walk with a seed; the running task goes on at --stay%% of the\n"
                "          scheduling points (default %u)\n"
                "  pct     probabilistic concurrency testing, with a seed and a depth\n",
                default_stay);
    return exit_clean;
}

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
        o.strategy = search_named(a.strategy);  // checked by the parse
    o.bound = a.bound ? *a.bound : -1;
    o.seed = a.seed;
    o.depth = static_cast<unsigned>(a.depth);
    o.stay = a.stay ? static_cast<unsigned>(*a.stay) : default_stay;
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
    if (a.stay && (o.strategy ? *o.strategy : s.strategy) != search::random)
        usage_error(fmt::format("--stay is for the random search; {}'s own search is another "
                                "(add --strategy random)",
                                s.name));
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
                       {"covered", c.search.covered >= 0 ? nlohmann::json(c.search.covered)
                                                         : nlohmann::json(nullptr)},
                       {"pending_branches", c.search.pending >= 0 ? nlohmann::json(c.search.pending)
                                                                  : nlohmann::json(nullptr)},
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
                                     {"stay", c.run.strategy == search::random ? c.run.stay : 0},
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
    } else if (a.format == "html") {
        std::vector<std::string> notes;
        if (!c.off_focus_verdict.empty())
            notes.push_back(off_focus_text(c));
        std::printf("%s", html_report(in, notes).c_str());
    } else {
        std::printf("%s", text_report(in).c_str());
        print_off_focus(c, stdout);
    }
    return status_of(c);
}

// One replay, rendered as the command prints it.
std::string replay_output(const replay_spec &spec, const std::string &format, bool raw, int &status)
{
    check_outcome c = replay(spec, nullptr, nullptr, raw);
    report_input in = report_of(c);
    std::string out;
    if (format == "json")
        out = json_report(in).dump(2) + "\n";
    else if (format == "html")
        out = html_report(in);
    else
        out = text_report(in);
    if (raw) {
        // Relacy's own history of the same execution, for those who want it.
        out +=
            fmt::format("\nRelacy's history of the execution ({}):\n{}", c.recording.relacy_result,
                        c.recording.relacy_history.empty() ? "(Relacy printed none)\n"
                                                           : c.recording.relacy_history);
    }
    status = c.recording.v == verdict::found ? exit_found : exit_clean;
    return out;
}

// Replays `repeat` times in this process and prints the first; any later replay that prints
// anything else is the checker's own failure (exit_internal), shown from its first different
// line.
int cmd_replay(const std::string &token, const std::string &format, bool raw, int repeat)
{
    if (raw && format == "html")
        usage_error("--relacy-history prints Relacy's own text history; use it with --format text");
    if (repeat < 1)
        usage_error("--repeat must be 1 or more");
    replay_spec spec = token_or_die(token);
    int status = exit_clean;
    std::string first = replay_output(spec, format, raw, status);
    std::fputs(first.c_str(), stdout);
    std::fflush(stdout);
    for (int i = 2; i <= repeat; i++) {
        int again_status = exit_clean;
        std::string again = replay_output(spec, format, raw, again_status);
        if (again == first && again_status == status)
            continue;
        std::size_t at = 0, line = 1;
        while (at < first.size() && at < again.size() && first[at] == again[at])
            line += first[at++] == '\n';
        auto line_of = [at](const std::string &text) {
            std::size_t from = text.rfind('\n', at == 0 ? 0 : at - 1);
            from = from == std::string::npos ? 0 : from + 1;
            return text.substr(from, text.find('\n', from) - from);
        };
        std::fprintf(stderr,
                     "iowq-check: replay %d of %d differs from the first, at line %zu:\n"
                     "  first: %s\n  now:   %s\n",
                     i, repeat, line, line_of(first).c_str(), line_of(again).c_str());
        return exit_internal;
    }
    if (repeat > 1)
        std::fprintf(stderr, "iowq-check: %d replays, every one the same as the first\n", repeat);
    return status;
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

// One scenario's part of verify: its certificate line (text), its JSON and JUnit entries, and
// what it does to the exit status.
struct verify_row {
    std::string text;
    nlohmann::json json;
    junit_case tc;
    bool fails = false;     // a finding that is not a known issue (in or outside the focus)
    bool complete = false;  // the search is complete
    bool as_pinned = true;
};

// A row crosses from a verify job's process to its parent as JSON.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(verify_row, text, json, tc, fails, complete, as_pinned)

verify_row verify_one(const scenario_info &s, const model_choice &m, int bound, double seconds,
                      std::uint64_t executions)
{
    verify_row row;
    check_options o;
    o.strategy = search::dpor;
    o.bound = bound;
    o.max_seconds = seconds;
    o.max_executions = executions;
    check_outcome c = check(s, m, o);
    bool found = c.search.v == verdict::found;
    const char *known = found ? c.search.known : nullptr;
    row.complete = c.search.complete;
    nlohmann::json j = {{"scenario", s.name},
                        {"model", m.name},
                        {"strategy", "dpor"},
                        {"bound", bound},
                        {"executions", c.search.executions},
                        {"result", known   ? "known"
                                   : found ? "found"
                                           : "clean"},
                        {"known_issue", known ? known : ""},
                        {"complete", c.search.complete},
                        {"pending_branches", c.search.pending >= 0
                                                 ? nlohmann::json(c.search.pending)
                                                 : nlohmann::json(nullptr)},
                        {"seconds", c.search.seconds}};
    if (found)
        j["finding"] = {{"verdict", c.verdict}, {"replay", c.token}};
    if (!c.off_focus_verdict.empty())
        j["outside_focus"] = off_focus_json(c);
    // A finding this model version is pinned to have, where the certificate's bound does not
    // reach it (R12 needs more preemptions): the scenario's own search shows it, so that the
    // reader sees what is still open.
    const char *want = pinned(s, m);
    std::optional<check_outcome> own;
    if (!found && want && want != std::string("clean") && s.strategy != search::dpor) {
        own = check(s, m, check_options{});
        if (own->search.v == verdict::found)
            j["own_search"] = {{"strategy", search_name(own->run.strategy)},
                               {"executions", own->search.executions},
                               {"known_issue", own->search.known ? own->search.known : ""},
                               {"verdict", own->verdict},
                               {"replay", own->token}};
    }
    row.json = j;
    row.text = verify_row_text(j);
    row.fails = verify_fails(j);
    // A search contradicts the pinned verdict if it found something else, or found nothing in a
    // complete search, at least as deep as the scenario's own, where a finding is pinned (an
    // incomplete or shallower one may not have got there).
    const std::string &verdict = own && own->search.v == verdict::found ? own->verdict : c.verdict;
    bool hit = found || (own && own->search.v == verdict::found);
    if (want && ((hit && verdict != want) ||
                 (!hit && c.search.complete && bound >= static_cast<int>(s.bound) &&
                  want != std::string("clean")) ||
                 off_focus_fails(c)))
        row.as_pinned = false;

    junit_case &tc = row.tc;
    tc.name = s.name;
    tc.classname = "iowq-check.verify." + m.name;
    tc.seconds = c.search.seconds;
    const nlohmann::json *own_j = j.contains("own_search") ? &j["own_search"] : nullptr;
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
    } else if (own_j && (*own_j)["known_issue"] != "") {
        tc.skipped = true;
        tc.skip_message = fmt::format(
            "the known issue {} (docs/findings.md), found by the scenario's own search: {}; "
            "iowq-check replay {}",
            (*own_j)["known_issue"].get<std::string>(), (*own_j)["verdict"].get<std::string>(),
            (*own_j)["replay"].get<std::string>());
    } else if (own_j) {
        tc.failure = (*own_j)["verdict"].get<std::string>();
        tc.details = "iowq-check replay " + (*own_j)["replay"].get<std::string>();
    } else if (!c.search.complete) {
        tc.skipped = true;
        tc.skip_message = "budget ran out before the search was complete";
    }
    return row;
}

// Runs verify_one() for every scenario in `todo`, `jobs` at a time, each in a process of its
// own (Relacy's state is global: one search per process); `done` is called for each row in the
// order of `todo`, as soon as it and every row before it are there. With jobs <= 1 the searches
// run one after another in this process.
void run_rows(const std::vector<const scenario_info *> &todo, const model_choice &m, int bound,
              double seconds, std::uint64_t executions, unsigned jobs,
              const std::function<void(const verify_row &)> &done)
{
    std::vector<std::optional<verify_row>> rows(todo.size());
    std::size_t shown = 0;
    auto show_ready = [&] {
        for (; shown < rows.size() && rows[shown]; shown++)
            done(*rows[shown]);
    };
    if (jobs <= 1) {
        for (std::size_t i = 0; i < todo.size(); i++) {
            rows[i] = verify_one(*todo[i], m, bound, seconds, executions);
            show_ready();
        }
        return;
    }
    struct child {
        std::size_t index;
        std::FILE *out;
    };
    std::map<pid_t, child> running;
    std::size_t launched = 0;
    while (launched < todo.size() || !running.empty()) {
        while (launched < todo.size() && running.size() < jobs) {
            std::FILE *f = std::tmpfile();
            if (!f) {
                std::fprintf(stderr, "iowq-check: verify: no temporary file for a job: %s\n",
                             std::strerror(errno));
                std::exit(exit_internal);
            }
            std::fflush(stdout);
            std::fflush(stderr);
            pid_t pid = fork();
            if (pid < 0) {
                std::fprintf(stderr, "iowq-check: verify: fork failed: %s\n", std::strerror(errno));
                std::exit(exit_internal);
            }
            if (pid == 0) {
                std::string text =
                    nlohmann::json(verify_one(*todo[launched], m, bound, seconds, executions))
                        .dump();
                bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() &&
                          std::fflush(f) == 0;
                _exit(ok ? 0 : exit_internal);
            }
            running[pid] = child{launched++, f};
        }
        int wstatus = 0;
        pid_t pid = waitpid(-1, &wstatus, 0);
        auto it = running.find(pid);
        if (pid < 0 || it == running.end())
            continue;
        child c = it->second;
        running.erase(it);
        std::string text;
        std::rewind(c.out);
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, c.out)) > 0;)
            text.append(buf, n);
        std::fclose(c.out);
        nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || j.is_discarded()) {
            std::fprintf(stderr,
                         "iowq-check: internal error: the search of %s did not finish (status "
                         "%d)\n",
                         todo[c.index]->name,
                         WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus));
            std::exit(exit_internal);
        }
        rows[c.index] = j.get<verify_row>();
        show_ready();
    }
}

// Every scenario, its own question, by the dpor search at `bound`; one certificate line each.
verify_result verify(const std::string &model, int bound, double seconds, const std::string &format,
                     std::uint64_t executions = 0, const std::optional<shard_spec> &shard = {},
                     unsigned jobs = 1)
{
    if (format == "html")
        usage_error("--format html draws one execution's schedule (run, replay, diff); verify "
                    "prints a certificate line per scenario: use text, json or junit, and open a "
                    "finding's token with 'iowq-check replay TOKEN --format html'");
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
    std::vector<const scenario_info *> todo;
    for (std::size_t k = 0; k < scenarios().size(); k++) {
        names.push_back(scenarios()[k]->name);
        if (!shard || verify_shard_has(*shard, k))
            todo.push_back(scenarios()[k]);
    }
    run_rows(todo, m, bound, seconds, executions, jobs, [&](const verify_row &r) {
        if (r.fails)
            vr.status = exit_found;
        else if (!r.complete && vr.status == exit_clean)
            vr.status = exit_budget;
        vr.as_pinned = vr.as_pinned && r.as_pinned;
        if (format == "text") {
            std::printf("%s", r.text.c_str());
            std::fflush(stdout);
        }
        cases.push_back(r.tc);
        all.push_back(r.json);
    });
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
               const std::string &format, const std::string &shard, unsigned jobs)
{
    std::optional<shard_spec> sh;
    if (!shard.empty()) {
        sh = shard_or_die(shard);
        if (format != "json")
            usage_error("--shard needs --format json: iowq-check merge puts the shards together");
    }
    if (jobs == 0)
        jobs = std::max(1u, std::thread::hardware_concurrency());
    return verify(model, bound, seconds, format, executions, sh, jobs).status;
}

int cmd_diff(const std::string &token, const std::string &other, const std::string &format)
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
    int at = first_difference(first.recording.record, second.recording.record);
    int result = second.recording.v == verdict::found ? exit_found : exit_clean;

    if (format == "html") {
        diff_input d;
        d.scenario = first.scenario->name;
        d.token = token;
        d.part = at;
        check_outcome *runs[] = {&first, &second};
        report_input *ins[] = {&d.a, &d.b};
        for (int i = 0; i < 2; i++) {
            *ins[i] = report_of(*runs[i]);
            ins[i]->record = &runs[i]->recording.record;
            ins[i]->finding =
                runs[i]->recording.v == verdict::found ? focus_finding(runs[i]->recording) : -1;
            ins[i]->token.clear();
        }
        d.b.model = to.name;
        if (status.diverged)
            d.diverged = fmt::format("On {} the schedule could not be followed from decision {} "
                                     "on (a task it names is not runnable there); the sequential "
                                     "policy took over.",
                                     to.name, status.diverged_at);
        std::printf("%s", html_diff(d).c_str());
        return result;
    }

    // The models' names in one column, at least 14 wide (a fix list can be longer).
    int w = static_cast<int>(std::max({std::size_t(14), first.model.name.size(), to.name.size()}));
    std::printf("iowq-check diff: %s, one schedule on two models\n\n", first.scenario->name);
    std::printf("  %-*s %s\n", w, first.model.name.c_str(), first.verdict.c_str());
    std::printf("  %-*s %s\n", w, to.name.c_str(), second.verdict.c_str());
    if (at < 0) {
        std::printf("\nThe two runs take the same steps.\n");
    } else {
        std::printf("\nThe runs part at step %d:\n  %-*s %s\n  %-*s %s\n", at + 1, w,
                    first.model.name.c_str(), event_line(first.recording.record, at).c_str(), w,
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
    return result;
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

// With no arguments: search until refcount_inc_not_zero() runs on a freed worker (R12 on buggy),
// show it, run its schedule on the fixed model, verify patched. Exits 0 if all of that came
// out as the scenarios pin it.
int cmd_demo()
{
    const scenario_info &s = scenario_or_die("r12-enqueue-gets-freed-worker");
    std::printf("==== 1. R12 on buggy (24369c2e3bb0): search ====\n\n");
    std::fflush(stdout);
    check_outcome c = check(s, model_or_die("buggy"), check_options{});
    print_search_summary(c);
    std::printf("%s", text_report(report_of(c)).c_str());
    if (c.search.v != verdict::found)
        return exit_budget;
    std::printf(
        "\n==== 2. The same schedule with the proposed fix d9b46f91b8fd on patched ====\n\n");
    std::fflush(stdout);
    int diff = cmd_diff(c.token, "patched,d9b46f91b8fd", "text");
    std::printf("\n==== 3. Verify patched at preemption bound 1 "
                "('iowq-check verify' does bound 2) ====\n\n");
    std::fflush(stdout);
    // An execution budget, not a time budget: the demo prints the same on every machine.
    verify_result v = verify("patched", 1, 0, "text", 20000, {},
                             std::max(1u, std::thread::hardware_concurrency()));
    std::printf("\nR11 and R12, one race the era's fixes leave open and what it breaks, are "
                "described in\ndocs/findings.md; the proposed fix d9b46f91b8fd closes both.\n");
    bool ok = c.verdict == s.expect_buggy && diff == exit_clean && v.as_pinned;
    std::printf("%s\n", ok ? "Every verdict is the one the scenarios pin."
                           : "Some verdict is not the one its scenario pins (see above).");
    return ok ? exit_clean : exit_found;
}

}  // namespace

int main(int argc, char **argv)
{
    command_line cl;
    parse_outcome p = parse_command_line(argc, argv, cl);
    if (p.status >= 0) {
        std::fputs(p.out.c_str(), stdout);
        std::fputs(p.err.c_str(), stderr);
        return p.status;
    }
    switch (cl.cmd) {
    case command::demo:
        return cmd_demo();
    case command::list:
        return cmd_list();
    case command::run:
        return cmd_run(cl.run);
    case command::replay:
        return cmd_replay(cl.replay.token, cl.replay.format, cl.replay.raw, cl.replay.repeat);
    case command::verify:
        return cmd_verify(cl.verify.model, cl.verify.bound, cl.verify.seconds, cl.verify.executions,
                          cl.verify.format, cl.verify.shard, static_cast<unsigned>(cl.verify.jobs));
    case command::merge:
        return merge_shards(cl.merge.files, cl.merge.format);
    case command::diff:
        return cmd_diff(cl.diff.token, cl.diff.model, cl.diff.format);
    case command::bisect:
        return cmd_bisect(cl.bisect.seconds, cl.bisect.scenario);
    case command::bench: {
        bench_options bo = cl.bench.options;
        if (cl.bench.quick) {
            // --quick sets the defaults; an option given explicitly still wins.
            bench_options q = quick_bench();
            if (!cl.bench.seeds)
                bo.seeds = q.seeds;
            if (!cl.bench.find_seconds)
                bo.find_seconds = q.find_seconds;
            if (!cl.bench.find_executions)
                bo.find_executions = q.find_executions;
            if (!cl.bench.rate_seconds)
                bo.rate_seconds = q.rate_seconds;
            if (!cl.bench.bounds)
                bo.bounds = q.bounds;
            if (!cl.bench.verify_seconds)
                bo.verify_seconds = q.verify_seconds;
            if (!cl.bench.verify_executions)
                bo.verify_executions = q.verify_executions;
            if (!cl.bench.replays)
                bo.replays = q.replays;
        }
        return run_bench(bo);
    }
    }
    return exit_usage;
}
