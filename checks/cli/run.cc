// The commands that search, show and compare one scenario: list, run, replay, diff, bisect.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
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

#include "checks/cli/bench.h"
#include "checks/cli/commands.h"
#include "checks/checker.h"
#include "checks/cli/cli.h"
#include "checks/report/html.h"
#include "checks/report/sarif.h"
#include "checks/report/text.h"
#include "checks/cli/shard.h"
#include "checks/report/splat.h"
#include "model/fixes.h"

namespace iowq::cli {

int cmd_list()
{
    std::printf("Scenarios (expected verdicts: buggy / patched / parent / whatif-no-rcu):\n");
    for (const scenario_info *s : scenarios()) {
        std::string own = s->search == search_kind::random
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
    std::printf("\nSearches (a scenario's own search, the default of run, is dpor at its "
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

namespace {

// run --jobs: the processes sharing one split dpor tree claim its subtrees in a table in shared
// memory, each the next one nobody has claimed (work stealing in the order every process meets
// the subtrees). Past the table's end, subtree k is job k mod N's.
struct job_claims {
    std::atomic<std::uint8_t> *table;
    std::size_t size;
    std::uint64_t index, count;
};

bool claim_next(void *cookie, std::uint64_t k)
{
    job_claims &c = *static_cast<job_claims *>(cookie);
    if (k < c.size)
        return c.table[k].exchange(1) == 0;
    return k % c.count == c.index;
}

// The subtree the parent searches again, to report a job's finding through check() itself.
std::uint64_t g_rerun_subtree = 0;
bool g_rerun = false;
bool claim_rerun(void *, std::uint64_t k)
{
    return g_rerun && k == g_rerun_subtree;
}

// One split dpor tree searched by `jobs` processes (run --jobs). Every subtree is searched by
// the one job that claims it, so the jobs together search the tree as the unsplit search with
// the same split does (the same subtrees, executions and digest). A finding is the one of the
// lowest subtree with one: every subtree before it was claimed by a job that searched it to
// its end, since a job stops only at a finding. This process then searches that subtree again
// through check() (a subtree is small), which gives the finding its token, replay and
// shrinking, as run without --jobs; with no finding, it meets every subtree and searches none,
// so that the outcome has the search's shape, and takes the jobs' counts.
check_outcome run_jobs(const scenario_info &s, const model_choice &m, const check_options &o,
                       unsigned jobs)
{
    constexpr std::size_t table_size = std::size_t(1) << 24;
    void *mem =
        mmap(nullptr, table_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        std::fprintf(stderr, "iowq-check: run --jobs: no shared memory for the jobs: %s\n",
                     std::strerror(errno));
        std::exit(exit_internal);
    }
    auto *table = static_cast<std::atomic<std::uint8_t> *>(mem);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<pid_t, std::FILE *>> kids;
    for (unsigned i = 0; i < jobs; i++) {
        std::FILE *f = std::tmpfile();
        if (!f) {
            std::fprintf(stderr, "iowq-check: run --jobs: no temporary file for a job: %s\n",
                         std::strerror(errno));
            std::exit(exit_internal);
        }
        std::fflush(stdout);
        std::fflush(stderr);
        pid_t pid = fork_job();
        if (pid < 0) {
            std::fprintf(stderr, "iowq-check: run --jobs: fork failed: %s\n", std::strerror(errno));
            std::exit(exit_internal);
        }
        if (pid == 0) {
            progress_off();
            job_claims claims{table, table_size, i, jobs};
            check_options jo = o;
            jo.claim = &claim_next;
            jo.claim_cookie = &claims;
            jo.jobs = jobs;
            jo.shrink_seconds = 0;  // the parent shrinks the finding it reports
            check_outcome c = check(s, m, jo);
            const run_result &r = c.search;
            nlohmann::json p = {{"executions", r.executions},
                                {"owned", r.owned_executions},
                                {"searched", r.subtrees_owned},
                                {"subtrees", r.subtrees},
                                {"digest", r.digest},
                                {"complete", r.complete},
                                {"budget", r.v == verdict::budget},
                                {"found", r.v == verdict::found},
                                {"subtree", r.subtree},
                                {"off_focus", r.off_focus},
                                {"off_token", c.off_focus_token},
                                {"off_known", c.off_focus_known != nullptr}};
            std::string text = p.dump();
            bool ok =
                std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
            _exit(ok ? 0 : exit_internal);
        }
        kids.emplace_back(pid, f);
    }
    std::uint64_t executions = 0, owned = 0, searched = 0, digest = 0, subtrees = 0, off_count = 0;
    bool complete = true, budget = false, found = false;
    std::uint64_t found_in = 0;
    std::string off_token;
    bool off_known = true;
    for (auto &[pid, f] : kids) {
        int wstatus = 0;
        while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
        }
        job_done(pid);
        std::string text;
        std::rewind(f);
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
            text.append(buf, n);
        std::fclose(f);
        nlohmann::json p = nlohmann::json::parse(text, nullptr, false);
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || p.is_discarded()) {
            std::fprintf(stderr,
                         "iowq-check: internal error: a job of run --jobs did not finish "
                         "(status %d)\n",
                         WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus));
            std::exit(exit_internal);
        }
        executions += p["executions"].get<std::uint64_t>();
        owned += p["owned"].get<std::uint64_t>();
        searched += p["searched"].get<std::uint64_t>();
        digest += p["digest"].get<std::uint64_t>();
        off_count += p["off_focus"].get<std::uint64_t>();
        bool done = p["complete"].get<bool>();
        complete = complete && done;
        budget = budget || p["budget"].get<bool>();
        if (done)
            subtrees = p["subtrees"].get<std::uint64_t>();
        if (p["found"].get<bool>() && (!found || p["subtree"].get<std::uint64_t>() < found_in)) {
            found = true;
            found_in = p["subtree"].get<std::uint64_t>();
        }
        std::string tok = p["off_token"].get<std::string>();
        if (!tok.empty() && (off_token.empty() || (off_known && !p["off_known"].get<bool>()))) {
            off_token = tok;
            off_known = p["off_known"].get<bool>();
        }
    }
    munmap(mem, table_size);
    if (complete && !found && searched != subtrees) {
        std::fprintf(stderr,
                     "iowq-check: internal error: run --jobs: the jobs searched %llu "
                     "subtrees, the tree has %llu\n",
                     static_cast<unsigned long long>(searched),
                     static_cast<unsigned long long>(subtrees));
        std::exit(exit_internal);
    }
    g_rerun = found;
    g_rerun_subtree = found_in;
    check_options po = o;
    po.claim = &claim_rerun;
    po.jobs = jobs;
    check_outcome c = check(s, m, po);
    g_rerun = false;
    if (found && c.search.v != verdict::found) {
        std::fprintf(stderr,
                     "iowq-check: internal error: run --jobs: subtree %llu, searched again, "
                     "did not reproduce the jobs' finding\n",
                     static_cast<unsigned long long>(found_in));
        std::exit(exit_internal);
    }
    run_result &r = c.search;
    r.executions = executions;
    r.owned_executions = owned;
    r.subtrees_owned = searched;
    r.subtrees = found ? r.subtrees : subtrees;
    r.digest = digest;
    r.complete = complete && !found;
    r.pending = -1;
    r.off_focus = off_count;
    if (!found && budget) {
        r.v = verdict::budget;
        c.verdict = verdict_text(r);
    }
    // A finding outside the focus that a job met below the split, where this process does not
    // go: run again from the job's token.
    if (!off_token.empty() && (c.off_focus_token.empty() || (c.off_focus_known && !off_known))) {
        check_outcome off = replay(token_or_die(off_token));
        c.off_focus_token = off_token;
        c.off_focus_verdict = verdict_text(off.recording);
        c.off_focus_known = off.recording.known;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return c;
}

// run --count-states: the state census's lines (checks/search/states.h). A cache skips the
// subtree below each repeat; every execution that passes one is skipped but the one that meets
// the first repeat on its path, which stops there.
void print_state_census(const run_result &r)
{
    const state_census_stats &st = r.states;
    std::string text = fmt::format(
        "iowq-check: states: {} decisions, {} distinct states; {} decisions repeat a state met "
        "before with as much budget left ({} the first on their path): a state cache could skip "
        "at most {} of the {} executions; with happens-before in the state as well, {} repeats "
        "({} first), at most {} executions; closure check: {} steps from a state met before, {} "
        "reached a different state; with happens-before, {} steps, {} differ\n",
        st.decisions, st.distinct, st.repeats, st.first_repeats, st.skippable(), r.executions,
        st.repeats_hb, st.first_repeats_hb, st.skippable_hb(), st.transitions, st.mismatches,
        st.transitions_hb, st.mismatches_hb);
    std::fputs(text.c_str(), stderr);
}

// run --count-traces: the distinct traces, and what an execution costs per trace.
void print_traces(const run_result &r)
{
    std::uint64_t all = r.traces + r.cut_traces;
    std::string text = fmt::format(
        "iowq-check: traces: the {} executions reached {} distinct traces ({} complete, {} cut "
        "short); {} executions were abandoned by the search, no behaviour; {} executions per "
        "trace\n",
        r.executions, all, r.traces, r.cut_traces, r.abandoned,
        all ? fmt::format("{:.2f}", static_cast<double>(r.executions) / static_cast<double>(all))
            : std::string("no"));
    std::fputs(text.c_str(), stderr);
}

}  // namespace

int cmd_run(const run_args &a)
{
    const scenario_info &s = scenario_or_die(a.scenario);
    model_choice m = with_preempt(model_or_die(a.model), a.preempt == "none");
    check_options o = options_of(a);
    o.progress = progress_on();
    progress_label("", " on " + m.name);
    search_kind st = o.search ? *o.search : s.search;
    if (a.stay && st != search_kind::random)
        usage_error(fmt::format("--stay is for the random search; {}'s own search is another "
                                "(add --search random)",
                                s.name));
    // Options the search does not use are refused, not ignored (the parse has refused them
    // where --search names the search; here it is the scenario's own).
    bool seeded = st == search_kind::random || st == search_kind::pct;
    if (a.seed_given && !seeded)
        usage_error(fmt::format("--seed is for the random and PCT searches; {}'s own search, "
                                "{}, draws nothing (add --search random or --search pct)",
                                s.name, iowq::search_name(st)));
    if (a.depth_given && st != search_kind::pct)
        usage_error("--depth is for the PCT search (--search pct)");
    if (a.bound && st != search_kind::bound && st != search_kind::dpor)
        usage_error(fmt::format("--bound is for the bound and dpor searches; {}'s search is {} "
                                "(add --search dpor)",
                                s.name, iowq::search_name(st)));
    std::optional<shard_spec> sh;
    if (!a.shard.empty()) {
        sh = shard_or_die(a.shard);
        if (st != search_kind::random && st != search_kind::pct && st != search_kind::dpor)
            usage_error(fmt::format("--shard splits a random, PCT or dpor search; {}'s own search "
                                    "is {} (add --search dpor)",
                                    s.name, iowq::search_name(st)));
        if (a.format != "json")
            usage_error("--shard needs --format json: iowq-check merge puts the shards together");
        if (st == search_kind::dpor) {
            o.subtree_index = sh->index;
            o.subtree_count = sh->count;
            if (!a.split_depth)
                o.split_depth = default_split_depth;
        } else {
            o.shard_index = sh->index;
            o.shard_count = sh->count;
        }
    }
    if (a.split_depth && st != search_kind::dpor)
        usage_error(fmt::format("--split-depth splits the dpor search's tree; {}'s own search is "
                                "{} (add --search dpor)",
                                s.name, iowq::search_name(st)));
    unsigned jobs = a.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency())
                                : static_cast<unsigned>(a.jobs);
    if (jobs > 1 && st != search_kind::dpor)
        usage_error(fmt::format("--jobs shares one dpor tree between processes; {}'s own search "
                                "is {} (add --search dpor)",
                                s.name, iowq::search_name(st)));
    if (jobs > 1 && !a.split_depth)
        o.split_depth = default_split_depth;
    if (a.count_states && st != search_kind::dpor)
        usage_error(fmt::format("--count-states counts the states of the dpor search; {}'s own "
                                "search is {} (add --search dpor)",
                                s.name, iowq::search_name(st)));
    o.count_states = a.count_states;
    if (a.count_traces && st != search_kind::dpor)
        usage_error(fmt::format("--count-traces counts the traces of the dpor search; {}'s own "
                                "search is {} (add --search dpor)",
                                s.name, iowq::search_name(st)));
    o.count_traces = a.count_traces;
    check_outcome c = jobs > 1 ? run_jobs(s, m, o, jobs) : check(s, m, o);
    print_search_summary(c);
    if (c.search.states_counted)
        print_state_census(c.search);
    if (c.search.traces_counted)
        print_traces(c.search);
    report_input in = cli_report(c);
    if (a.format == "json") {
        nlohmann::json j = json_report(in);
        j["search"] = {{"name", search_name(c.run)},
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
        // A split dpor tree (--split-depth, --shard): what this process searched of it. The
        // digest adds up over shards to the unsharded search's (dpor_stats::digest).
        if (c.run.search == search_kind::dpor && c.run.split_depth) {
            j["search"]["split"] = {{"jobs", c.run.jobs},
                                    {"depth", c.run.split_depth},
                                    {"subtrees", c.search.subtrees},
                                    {"searched", c.search.subtrees_owned},
                                    {"executions", c.search.owned_executions},
                                    {"digest", fmt::format("{:016x}", c.search.digest)}};
            if (c.search.v == verdict::found)
                j["search"]["split"]["found_in_subtree"] = c.search.subtree;
        } else {
            j["search"]["split"] = nullptr;
        }
        if (c.search.states_counted) {
            const state_census_stats &sc = c.search.states;
            j["search"]["states"] = {{"decisions", sc.decisions},
                                     {"distinct", sc.distinct},
                                     {"repeats", sc.repeats},
                                     {"first_repeats", sc.first_repeats},
                                     {"executions_past_a_repeat", sc.covered},
                                     {"repeats_hb", sc.repeats_hb},
                                     {"first_repeats_hb", sc.first_repeats_hb},
                                     {"executions_past_a_repeat_hb", sc.covered_hb},
                                     {"closure_checked", sc.transitions},
                                     {"closure_differ", sc.mismatches},
                                     {"closure_hb_checked", sc.transitions_hb},
                                     {"closure_hb_differ", sc.mismatches_hb}};
        } else {
            j["search"]["states"] = nullptr;
        }
        if (c.search.traces_counted)
            j["search"]["traces"] = {{"complete", c.search.traces},
                                     {"cut", c.search.cut_traces},
                                     {"abandoned_executions", c.search.abandoned}};
        else
            j["search"]["traces"] = nullptr;
        if (sh) {
            // What makes two shards parts of one search: everything that changes an execution
            // or the budget, with the shard's own number kept apart.
            nlohmann::json config = {{"scenario", s.name},
                                     {"model", m.name},
                                     {"name", iowq::search_name(c.run.search)},
                                     {"seed", c.run.seed},
                                     {"depth", c.run.search == search_kind::pct ? c.run.depth : 0},
                                     {"stay", c.run.search == search_kind::random ? c.run.stay : 0},
                                     {"iterations", c.run.iterations},
                                     {"max_executions", c.run.max_executions},
                                     {"max_seconds", c.run.max_seconds},
                                     {"until", a.until},
                                     {"multi_shot", a.multi_shot}};
            if (c.run.search == search_kind::dpor) {
                config["bound"] = c.run.bound;
                config["split_depth"] = c.run.split_depth;
            }
            j["shard"] = {
                {"command", "run"}, {"index", sh->index}, {"count", sh->count}, {"config", config}};
            j["status"] = status_of(c);
        }
        if (!c.off_focus_verdict.empty())
            j["outside_focus"] = off_focus_json(c);
        else
            j["outside_focus"] = nullptr;
        if (!sh) {
            j["shard"] = nullptr;
            j["status"] = status_of(c);
        }
        std::printf("%s\n", j.dump(2).c_str());
    } else if (a.format == "junit") {
        junit_case tc;
        tc.name = s.name;
        tc.classname = "iowq-check." + m.name;
        tc.seconds = c.search.seconds;
        report_input plain = in;
        plain.color = false;
        if (c.search.v == verdict::found) {
            tc.failure = c.verdict;
            tc.details = text_report(plain);
        } else if (off_focus_fails(c)) {
            tc.failure = c.off_focus_verdict;
            tc.details = "iowq-check replay " + c.off_focus_token;
        } else if (c.search.v == verdict::budget) {
            tc.skipped = true;
            tc.skip_message =
                junit_budget_message(c.search.executions, c.search.pending, c.search.covered);
        }
        // What the text format prints: the report and its token, and a finding outside the
        // focus with its own.
        tc.system_out = text_report(plain);
        if (!c.off_focus_verdict.empty())
            tc.system_out += "\n" + off_focus_text(c);
        std::printf("%s", junit_xml("iowq-check run", {tc}).c_str());
    } else if (a.format == "sarif") {
        sarif_input si;
        si.version = iowq_version();
        if (c.search.v == verdict::found)
            si.findings.push_back({in, c.search.known, true, ""});
        // The finding outside the focus, run again from its token for its record.
        std::optional<check_outcome> off;
        if (!c.off_focus_verdict.empty()) {
            off = replay(token_or_die(c.off_focus_token));
            si.findings.push_back(
                {off_focus_report(*off), c.off_focus_known, off_focus_fails(c),
                 fmt::format("Found outside this scenario's focus ({}), in {} execution(s).",
                             s.focus_text ? s.focus_text : "every finding", c.search.off_focus)});
        }
        si.properties = {{"command", "run"},
                         {"scenario", s.name},
                         {"model", m.name},
                         {"search", search_name(c.run)},
                         {"executions", c.search.executions},
                         {"complete", c.search.complete},
                         {"budget_ran_out", c.search.v == verdict::budget},
                         {"pending_branches", c.search.pending >= 0
                                                  ? nlohmann::json(c.search.pending)
                                                  : nlohmann::json(nullptr)},
                         {"verdict", c.verdict},
                         {"exit_status", status_of(c)}};
        std::printf("%s\n", sarif_log(si).dump(2).c_str());
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

// One replay, rendered as the command prints it: the report, and Relacy's own history apart
// (with --relacy-history): that history prints host addresses, which differ from one replay to
// the next, so replay --repeat compares the reports only.
replay_output_parts replay_output(const replay_spec &spec, const std::string &format, bool raw,
                                  int &status)
{
    check_outcome c = replay(spec, nullptr, nullptr, raw);
    report_input in = cli_report(c);
    replay_output_parts out;
    // The exit status of the run that printed the token: 1 for a finding, but a known issue
    // found outside the scenario's focus (a token of "Also found, outside ...") does not fail it.
    bool found = c.recording.v == verdict::found;
    const char *known = found ? c.recording.known : nullptr;
    status = found && !(known && spec.unfocused) ? exit_found : exit_clean;
    if (known && spec.unfocused)
        out.note = fmt::format("iowq-check: this is the known issue {} (docs/findings.md), found "
                               "outside {}'s question: not a failure, as in the run that printed "
                               "the token (exit status 0)\n",
                               known, c.scenario->name);
    else if (known)
        out.note = fmt::format("iowq-check: this is the known issue {} (docs/findings.md), in {}'s "
                               "question: a finding, as in the run that printed the token (exit "
                               "status 1; verify counts it as known, not as a failure)\n",
                               known, c.scenario->name);
    if (format == "sarif") {
        sarif_input si;
        si.version = iowq_version();
        if (found)
            si.findings.push_back({in, known, status == exit_found,
                                   spec.unfocused ? "Found outside this scenario's focus." : ""});
        si.properties = {{"command", "replay"},
                         {"scenario", c.scenario->name},
                         {"model", c.model.name},
                         {"verdict", c.verdict},
                         {"exit_status", status}};
        out.compared = sarif_log(si).dump(2) + "\n";
        out.printed = out.compared;
    } else if (format == "json") {
        nlohmann::json j = json_report(in);
        j["status"] = status;
        out.compared = j.dump(2) + "\n";
        if (raw)
            j["relacy_history"] = {{"result", c.recording.relacy_result},
                                   {"history", c.recording.relacy_history}};
        out.printed = j.dump(2) + "\n";
    } else {
        out.compared = format == "html" ? html_report(in) : text_report(in);
        out.printed = out.compared;
        if (raw)
            out.printed += fmt::format(
                "\nRelacy's history of the execution ({}):\n{}", c.recording.relacy_result,
                c.recording.relacy_history.empty() ? "(Relacy printed none)\n"
                                                   : c.recording.relacy_history);
    }
    return out;
}

// Replays `repeat` times in this process and prints the first; any later replay that prints
// anything else is the checker's own failure (exit_internal), shown from its first different
// line. No replay starts once `seconds` (0: no limit) have passed: then it says how many were
// done and exits 3, as a search whose budget ran out does.
int cmd_replay(const std::string &token, const std::string &format, bool raw, int repeat,
               double seconds)
{
    if (raw && format == "html")
        usage_error("--relacy-history prints Relacy's own text history; use it with --format "
                    "text or json");
    if (repeat < 1)
        usage_error("--repeat must be 1 or more");
    if (seconds < 0)
        usage_error("--max-seconds must not be negative");
    replay_spec spec = token_or_die(token);
    auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    int status = exit_clean;
    replay_output_parts first_out = replay_output(spec, format, raw, status);
    std::fputs(first_out.printed.c_str(), stdout);
    std::fflush(stdout);
    std::fputs(first_out.note.c_str(), stderr);
    const std::string &first = first_out.compared;
    for (int i = 2; i <= repeat; i++) {
        if (seconds > 0 && elapsed() >= seconds) {
            std::fprintf(stderr,
                         "iowq-check: budget ran out after %d of %d replays (%.2f s, "
                         "--max-seconds %g)%s\n",
                         i - 1, repeat, elapsed(), seconds,
                         i - 1 < 2 ? ""
                         : raw     ? ", every one the same as the first (Relacy's history left "
                                     "out of the comparison)"
                                   : ", every one the same as the first");
            return exit_budget;
        }
        int again_status = exit_clean;
        std::string again = replay_output(spec, format, raw, again_status).compared;
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
        std::fprintf(stderr, "iowq-check: %d replays, every one the same as the first%s\n", repeat,
                     raw ? " (Relacy's history left out of the comparison)" : "");
    return status;
}

int cmd_diff(const std::string &token, const std::string &other, const std::string &format)
{
    replay_spec spec = token_or_die(token);
    // The other model, on the kernel the token was found on.
    model_choice to = with_preempt(model_or_die(other), spec.preempt_none);
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
            *ins[i] = cli_report(*runs[i]);
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
    report_input in = cli_report(second);
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
            o.progress = progress_on();
            progress_label("bisect: ", std::string(" on ") + v);
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

}  // namespace iowq::cli
