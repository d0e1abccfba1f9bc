// verify: every scenario's own question on one model version, by the dpor search at a bound,
// one certificate line each (text, JSON or JUnit), in parallel processes.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
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

namespace {

// One scenario's part of verify: its certificate line (text), its JSON and JUnit entries, and
// what it does to the exit status.
struct verify_row {
    std::string text;
    nlohmann::json json;
    junit_case tc;
    nlohmann::json sarif = nlohmann::json::array();  // its findings' SARIF results (--format sarif)
    bool fails = false;     // a finding that is not a known issue (in or outside the focus)
    bool complete = false;  // the search is complete
    bool as_pinned = true;
};

// A row crosses from a verify job's process to its parent as JSON.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(verify_row, text, json, tc, sarif, fails, complete, as_pinned)

nlohmann::json known_json(const char *known)
{
    return known ? nlohmann::json(known) : nlohmann::json(nullptr);
}

// A split tree's share (verify --split-depth, --shard): the depth (0: no split) and the shard.
struct tree_share {
    unsigned depth = 0;
    std::uint64_t index = 1, count = 1;
};

verify_row verify_one(const scenario_info &s, const model_choice &m, int bound, double seconds,
                      std::uint64_t executions, bool sarif, const tree_share &share)
{
    verify_row row;
    check_options o;
    o.search = search_kind::dpor;
    o.bound = bound;
    o.split_depth = share.depth;
    o.subtree_index = share.index;
    o.subtree_count = share.count;
    o.max_seconds = seconds;
    o.max_executions = executions;
    o.progress = progress_on();
    check_outcome c = check(s, m, o);
    bool found = c.search.v == verdict::found;
    const char *known = found ? c.search.known : nullptr;
    row.complete = c.search.complete;
    nlohmann::json j = {{"scenario", s.name},
                        {"model", m.name},
                        {"name", "dpor"},
                        {"bound", bound},
                        {"executions", c.search.executions},
                        {"result", known   ? "known"
                                   : found ? "found"
                                           : "clean"},
                        {"known_issue", known_json(known)},
                        {"complete", c.search.complete},
                        {"pending_branches", c.search.pending >= 0
                                                 ? nlohmann::json(c.search.pending)
                                                 : nlohmann::json(nullptr)},
                        {"seconds", c.search.seconds}};
    if (found)
        j["finding"] = {{"verdict", c.verdict}, {"replay", c.token}};
    // A split tree: this process's share of it (run's "split"; merge adds the shares up).
    if (share.depth) {
        j["split"] = {{"depth", share.depth},
                      {"subtrees", c.search.subtrees},
                      {"searched", c.search.subtrees_owned},
                      {"executions", c.search.owned_executions},
                      {"digest", fmt::format("{:016x}", c.search.digest)}};
        if (found)
            j["split"]["found_in_subtree"] = c.search.subtree;
    } else {
        j["split"] = nullptr;
    }
    if (!c.off_focus_verdict.empty())
        j["outside_focus"] = off_focus_json(c);
    // A finding this model version is pinned to have, where the certificate's bound does not
    // reach it (R12 needs more preemptions): the scenario's own search shows it, so that the
    // reader sees what is still open.
    const char *want = pinned(s, m);
    std::optional<check_outcome> own;
    if (!found && want && want != std::string("clean") && s.search != search_kind::dpor) {
        check_options own_o;
        own_o.progress = progress_on();
        own = check(s, m, own_o);
        if (own->search.v == verdict::found)
            j["own_search"] = {{"name", search_name(own->run.search)},
                               {"executions", own->search.executions},
                               {"known_issue", known_json(own->search.known)},
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
    } else if (own_j && !(*own_j)["known_issue"].is_null()) {
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
        tc.skip_message =
            junit_budget_message(c.search.executions, c.search.pending, c.search.covered);
    }
    // What the text format prints for the scenario (its certificate line, with the tokens), and
    // the report of each finding, as run and replay print it.
    report_input in = cli_report(c);
    in.color = false;
    tc.system_out = row.text;
    if (found)
        tc.system_out += "\n" + text_report(in);
    std::optional<report_input> own_in;
    if (own && own->search.v == verdict::found) {
        own_in = cli_report(*own);
        own_in->color = false;
        tc.system_out += "\n" + text_report(*own_in);
    }
    if (sarif) {
        std::string where = fmt::format("Found by verify: dpor at preemption bound {}.", bound);
        if (found)
            row.sarif.push_back(sarif_result({in, known, !known, where}));
        if (own_in)
            row.sarif.push_back(sarif_result(
                {*own_in, own->search.known, !own->search.known,
                 fmt::format("Found by the scenario's own search ({}), which verify runs where "
                             "its bound does not reach the pinned finding.",
                             search_name(own->run))}));
        if (!c.off_focus_verdict.empty()) {
            check_outcome off = replay(token_or_die(c.off_focus_token));
            row.sarif.push_back(sarif_result({
                off_focus_report(off),
                c.off_focus_known,
                off_focus_fails(c),
                where + " Outside this scenario's question (" +
                    (s.focus_text ? s.focus_text : "every finding") + ").",
            }));
        }
    }
    return row;
}

// Runs verify_one() for every scenario in `todo`, `jobs` at a time, each in a process of its
// own (Relacy's state is global: one search per process); `done` is called for each row in the
// order of `todo`, as soon as it and every row before it are there (and printed then if
// `rows_shown`). With jobs <= 1 the searches run one after another in this process. The jobs
// die with this process (fork_job()); SIGINT or SIGTERM stops them, says how far verify got,
// and ends this process by the same signal.
void run_rows(const std::vector<const scenario_info *> &todo, const model_choice &m, int bound,
              double seconds, std::uint64_t executions, unsigned jobs, bool rows_shown, bool sarif,
              const tree_share &share, const std::function<void(const verify_row &)> &done)
{
    std::vector<std::optional<verify_row>> rows(todo.size());
    std::size_t shown = 0;
    auto show_ready = [&] {
        for (; shown < rows.size() && rows[shown]; shown++)
            done(*rows[shown]);
    };
    if (jobs <= 1) {
        for (std::size_t i = 0; i < todo.size(); i++) {
            progress_label(fmt::format("verify {}, scenario {}/{}: ", m.name, i + 1, todo.size()),
                           "");
            rows[i] = verify_one(*todo[i], m, bound, seconds, executions, sarif, share);
            show_ready();
        }
        return;
    }
    struct child {
        std::size_t index;
        std::FILE *out;
    };
    std::map<pid_t, child> running;
    // SIGINT or SIGTERM: the handler has killed the jobs; reap them, say what was searched, and
    // die of the signal (a shell sees 130 or 143).
    auto stop = [&](int sig) {
        progress_clear();
        std::string stopped;
        for (auto &[pid, c] : running) {
            kill(pid, SIGKILL);
            while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
            job_done(pid);
            std::fclose(c.out);
            stopped += std::string(stopped.empty() ? "" : ", ") + todo[c.index]->name;
        }
        std::fflush(stdout);
        auto searched = static_cast<std::size_t>(
            std::count_if(rows.begin(), rows.end(), [](const auto &r) { return r.has_value(); }));
        std::string printed = !rows_shown ? " (this format is printed once every scenario is)"
                              : shown     ? fmt::format(", the first {} printed above", shown)
                                          : std::string();
        std::fprintf(stderr, "iowq-check: interrupted by %s: %zu of %zu scenarios searched%s%s\n",
                     sig == SIGINT ? "SIGINT" : "SIGTERM", searched, todo.size(), printed.c_str(),
                     stopped.empty() ? "" : ("; stopped the searches of " + stopped).c_str());
        die_of(sig);
    };
    // With --progress, the parent waits for its jobs in steps of 100 ms and says how far verify
    // is (scenarios searched, time, those under way) as often as its style says.
    auto start = std::chrono::steady_clock::now();
    auto wait_showing_progress = [&](int &wstatus) {
        pid_t pid;
        while ((pid = waitpid(-1, &wstatus, WNOHANG)) == 0 && !interrupted()) {
            if (progress_due()) {
                std::string what = "verify " + m.name, under_way;
                for (const auto &[job, c] : running) {
                    std::string name = todo[c.index]->name;
                    under_way += (under_way.empty() ? "" : ", ") + name.substr(0, name.find('-'));
                }
                progress_state p;
                p.what = what;
                p.under_way = under_way;
                p.total = todo.size();
                p.done = static_cast<std::size_t>(std::count_if(
                    rows.begin(), rows.end(), [](const auto &r) { return r.has_value(); }));
                p.seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                p.max_seconds = seconds;
                progress_show(p);
            }
            timespec ts{};
            ts.tv_nsec = 100 * 1000 * 1000;
            nanosleep(&ts, nullptr);  // a signal cuts it short: interrupted() is looked at
        }
        return pid;
    };
    jobs = std::min(jobs, max_jobs);
    running_jobs(true);
    std::size_t launched = 0;
    while (launched < todo.size() || !running.empty()) {
        while (!interrupted() && launched < todo.size() && running.size() < jobs) {
            std::FILE *f = std::tmpfile();
            if (!f) {
                std::fprintf(stderr, "iowq-check: verify: no temporary file for a job: %s\n",
                             std::strerror(errno));
                std::exit(exit_internal);
            }
            std::fflush(stdout);
            std::fflush(stderr);
            pid_t pid = fork_job();
            if (pid < 0) {
                std::fprintf(stderr, "iowq-check: verify: fork failed: %s\n", std::strerror(errno));
                std::exit(exit_internal);
            }
            if (pid == 0) {
                progress_off();  // the parent's line says how far verify is
                std::string text = nlohmann::json(verify_one(*todo[launched], m, bound, seconds,
                                                             executions, sarif, share))
                                       .dump();
                bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() &&
                          std::fflush(f) == 0;
                _exit(ok ? 0 : exit_internal);
            }
            running[pid] = child{launched++, f};
        }
        if (int sig = interrupted())
            stop(sig);
        int wstatus = 0;
        pid_t pid = progress_on() ? wait_showing_progress(wstatus) : waitpid(-1, &wstatus, 0);
        if (int sig = interrupted())
            stop(sig);  // a job reaped just now was killed, or its row is not shown: not done
        auto it = running.find(pid);
        if (pid < 0 || it == running.end())
            continue;
        child c = it->second;
        running.erase(it);
        job_done(pid);
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
    running_jobs(false);
    progress_clear();
}

}  // namespace

verify_result verify(const std::string &model, int bound, double seconds, const std::string &format,
                     std::uint64_t executions, const std::optional<shard_spec> &shard,
                     unsigned jobs, unsigned split_depth)
{
    // With a split, a shard searches its share of every scenario's tree; without, whole
    // scenarios.
    tree_share share;
    share.depth = split_depth;
    if (split_depth && shard) {
        share.index = shard->index;
        share.count = shard->count;
    }
    if (format == "html")
        usage_error("--format html draws one execution's schedule (run, replay, diff); verify "
                    "prints a certificate line per scenario: use text, json, junit or sarif, and "
                    "open a finding's token with 'iowq-check replay TOKEN --format html'");
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
        if (split_depth)
            std::printf(", trees split at depth %u", split_depth);
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
        if (!shard || split_depth || verify_shard_has(*shard, k))
            todo.push_back(scenarios()[k]);
    }
    nlohmann::json sarif_results = nlohmann::json::array();
    run_rows(todo, m, bound, seconds, executions, jobs, format == "text", format == "sarif", share,
             [&](const verify_row &r) {
                 progress_clear();
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
                 for (const nlohmann::json &x : r.sarif)
                     if (!x.is_null())
                         sarif_results.push_back(x);
             });
    nlohmann::json config = {{"model", m.name},
                             {"bound", bound},
                             {"max_seconds", seconds},
                             {"max_executions", executions},
                             {"split_depth", split_depth},
                             {"scenarios", names}};
    if (format == "json") {
        // One shape, sharded or not (and merged: iowq-check merge): the shard (null when there
        // is none), one entry per scenario searched, and the exit status.
        nlohmann::json j = {{"shard", shard ? nlohmann::json{{"command", "verify"},
                                                             {"index", shard->index},
                                                             {"count", shard->count},
                                                             {"config", config}}
                                            : nlohmann::json(nullptr)},
                            {"results", all},
                            {"status", vr.status}};
        std::printf("%s\n", j.dump(2).c_str());
    } else if (format == "sarif") {
        nlohmann::json properties = {{"command", "verify"},
                                     {"model", m.name},
                                     {"bound", bound},
                                     {"max_seconds", seconds},
                                     {"max_executions", executions},
                                     {"certificates", all},
                                     {"exit_status", vr.status}};
        std::printf("%s\n", sarif_log(iowq_version(), sarif_results, properties).dump(2).c_str());
    } else if (format == "junit")
        std::printf("%s", junit_xml("iowq-check verify " + m.name, cases).c_str());
    return vr;
}

int cmd_verify(const std::string &model, int bound, double seconds, std::uint64_t executions,
               const std::string &format, const std::string &shard, unsigned jobs,
               unsigned split_depth)
{
    std::optional<shard_spec> sh;
    if (!shard.empty()) {
        sh = shard_or_die(shard);
        if (format != "json")
            usage_error("--shard needs --format json: iowq-check merge puts the shards together");
    }
    if (jobs == 0)
        jobs = std::max(1u, std::thread::hardware_concurrency());
    return verify(model, bound, seconds, format, executions, sh, jobs, split_depth).status;
}

}  // namespace iowq::cli
