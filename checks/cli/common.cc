// What the commands share: exit statuses, colour, the one-line search summary, the part of a
// report about findings outside the focus, and turning names and tokens into what they name (or
// a usage error, exit 2).
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
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
#include "checks/report/text.h"
#include "checks/cli/shard.h"
#include "checks/report/splat.h"
#include "model/fixes.h"

namespace iowq::cli {

namespace {
std::string color_mode = "auto";
bool model_sites = false;
schedule_detail view = schedule_detail::full;
}  // namespace

void set_view(schedule_detail d)
{
    view = d;
}

void set_model_sites(bool on)
{
    model_sites = on;
}

report_input cli_report(const check_outcome &c)
{
    report_input in = report_for(c, color_out());
    if (c.search.v == verdict::found)
        in.known = c.search.known;
    if (model_sites)
        in.coords = coordinates::model;
    in.view = view;
    return in;
}

void set_color(const std::string &mode)
{
    color_mode = mode;
}

// --color always or never decide; auto is colour on a terminal unless NO_COLOR is set and not
// empty (https://no-color.org) or the terminal is dumb.
bool color_out()
{
    if (color_mode != "auto")
        return color_mode == "always";
    const char *no_color = std::getenv("NO_COLOR");
    const char *term = std::getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
           !(term && std::string(term) == "dumb");
}

// SIGINT and SIGTERM. A search cannot be stopped from a signal handler (Relacy's loop does not
// look at anything the handler could set), so a command that searches in this process dies of
// the signal at once, after a line on stderr. verify --jobs N's parent instead notes the
// signal and kills its jobs from the handler; run_rows() (verify.cc) then reaps them, says what
// was searched, and dies of the signal too: a shell sees status 128 + the signal (130, 143).
namespace {

volatile std::sig_atomic_t interrupted_by = 0;
volatile std::sig_atomic_t in_jobs = 0;  // run_rows() is running jobs in processes
// The jobs' pids, for the handler: written with the signals blocked, read by the handler.
constexpr std::size_t max_tracked = max_jobs;
volatile pid_t tracked[max_tracked];

void say(const char *text)
{
    std::size_t n = std::strlen(text);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, text, n);
        if (w <= 0)
            return;
        text += w;
        n -= static_cast<std::size_t>(w);
    }
}

extern "C" void on_interrupt(int sig)
{
    interrupted_by = sig;
    for (std::size_t i = 0; i < max_tracked; i++)
        if (tracked[i] > 0)
            kill(tracked[i], SIGKILL);
    if (in_jobs)
        return;  // run_rows() takes it from here
    say(sig == SIGINT ? "iowq-check: interrupted by SIGINT" : "iowq-check: interrupted by SIGTERM");
    say("; the search under way is not reported (what was printed above was finished)\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

void block_interrupts(int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(how, &set, nullptr);
}

}  // namespace

void install_interrupt_handlers()
{
    for (int sig : {SIGINT, SIGTERM}) {
        struct sigaction old {};
        sigaction(sig, nullptr, &old);
        if (old.sa_handler == SIG_IGN)
            continue;  // ignored by whoever started us (nohup, a background job): stays so
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: waitpid() returns EINTR
        sigaction(sig, &sa, nullptr);
    }
}

int interrupted()
{
    return interrupted_by;
}

pid_t fork_job()
{
    pid_t parent = getpid();
    block_interrupts(SIG_BLOCK);
    pid_t pid = fork();
    if (pid == 0) {
        // The job dies with its parent, however the parent ends (SIGKILL included), and takes
        // the signals' default actions.
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        for (std::size_t i = 0; i < max_tracked; i++)
            tracked[i] = 0;
        in_jobs = 0;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(exit_internal);  // the parent died before prctl()
        block_interrupts(SIG_UNBLOCK);
        return 0;
    }
    if (pid > 0) {
        for (std::size_t i = 0; i < max_tracked; i++)
            if (tracked[i] <= 0) {
                tracked[i] = pid;
                break;
            }
        if (interrupted_by)
            kill(pid, SIGKILL);
    }
    block_interrupts(SIG_UNBLOCK);
    return pid;
}

void job_done(pid_t pid)
{
    block_interrupts(SIG_BLOCK);
    for (std::size_t i = 0; i < max_tracked; i++)
        if (tracked[i] == pid)
            tracked[i] = 0;
    block_interrupts(SIG_UNBLOCK);
}

void running_jobs(bool on)
{
    in_jobs = on;
}

[[noreturn]] void die_of(int sig)
{
    std::fflush(stdout);
    signal(sig, SIG_DFL);
    block_interrupts(SIG_UNBLOCK);
    raise(sig);
    _exit(128 + sig);
}

[[noreturn]] void usage_error(const std::string &msg)
{
    std::fprintf(stderr, "iowq-check: %s\n", msg.c_str());
    std::exit(exit_usage);
}

std::string shard_text(const run_options &o)
{
    return o.shard_count > 1 ? fmt::format(", shard {}/{}", o.shard_index, o.shard_count) : "";
}

std::string search_name(const run_options &o)
{
    switch (o.search) {
    case search_kind::random:
        return fmt::format("random search, stay {}%, seed {}{}", o.stay, o.seed, shard_text(o));
    case search_kind::pct:
        return fmt::format("PCT search, depth {}, seed {}{}", o.depth, o.seed, shard_text(o));
    case search_kind::bound:
        return fmt::format("context-bound search, bound {}", o.bound);
    case search_kind::dpor:
        return fmt::format(
            "dpor search, bound {}{}", o.bound,
            !o.split_depth        ? std::string()
            : o.subtree_count > 1 ? fmt::format(", tree split at depth {}, shard {}/{}",
                                                o.split_depth, o.subtree_index, o.subtree_count)
            : o.jobs > 1 ? fmt::format(", tree split at depth {}, {} jobs", o.split_depth, o.jobs)
                         : fmt::format(", tree split at depth {}", o.split_depth));
    case search_kind::full:
        return "full search";
    case search_kind::sequential:
        return "sequential run";
    case search_kind::replay:
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
        what = c.run.jobs > 1
                   ? fmt::format("found in subtree {}, {} executions over the jobs "
                                 "({:.2f} s)",
                                 r.subtree, r.executions, r.seconds)
                   : fmt::format("found in execution {} ({:.2f} s)", r.executions, r.seconds);
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
    if (c.run.search == search_kind::dpor && c.run.split_depth)
        what += fmt::format(
            "; {} {}, {} of them searched {} ({} executions in them{})", r.subtrees,
            r.complete ? "subtrees in the tree" : "subtrees done so far", r.subtrees_owned,
            c.run.jobs > 1 ? "by the jobs" : "here", r.owned_executions,
            r.executions > r.owned_executions
                ? fmt::format(", {} more left where another {}'s subtree begins",
                              r.executions - r.owned_executions, c.run.jobs > 1 ? "job" : "shard")
                : std::string());
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
                        {"known_issue", c.off_focus_known ? nlohmann::json(c.off_focus_known)
                                                          : nlohmann::json(nullptr)}};
    return j;
}

report_input off_focus_report(const check_outcome &c)
{
    report_input in = cli_report(c);
    if (!c.recording.record.findings.empty()) {
        in.record = &c.recording.record;
        in.finding = std::max(0, focus_finding(c.recording));
        in.token = c.token;
    }
    return in;
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
        std::vector<std::string> names;
        for (const scenario_info *x : scenarios()) {
            known += std::string(known.empty() ? "" : ", ") + x->name;
            // Its full name, and the short one before the first '-' (r12b).
            std::string full = x->name;
            names.push_back(full);
            names.push_back(full.substr(0, full.find('-')));
        }
        usage_error("unknown scenario '" + name + "'" + did_you_mean(name, names) +
                    "; the scenarios are: " + known);
    }
    return *s;
}

model_choice model_or_die(const std::string &spec)
{
    std::string error;
    auto m = parse_model(spec, error);
    if (!m) {
        // A mistyped name of a version or of a fix (by its 12-digit id).
        std::vector<std::string> names;
        for (const model_version &v : model_versions)
            names.push_back(v.name);
        for (const model_fix_info &f : model_fixes)
            names.push_back(f.id);
        std::string_view rest = spec;
        while (!rest.empty()) {
            std::size_t comma = rest.find(',');
            std::string part(rest.substr(0, comma));
            std::string ignored;
            std::string hint = parse_model(part, ignored) ? "" : did_you_mean(part, names);
            std::size_t at = error.find("'" + part + "'");
            if (!hint.empty() && at != std::string::npos) {
                error.insert(at + part.size() + 2, hint);
                break;
            }
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        }
        usage_error(error);
    }
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
    if (!a.search.empty())
        o.search = search_named(a.search);  // checked by the parse
    o.bound = a.bound ? *a.bound : -1;
    o.seed = a.seed;
    o.depth = static_cast<unsigned>(a.depth);
    o.stay = a.stay ? static_cast<unsigned>(*a.stay) : default_stay;
    o.max_executions = a.executions;
    o.max_seconds = a.seconds;
    o.iterations = a.executions;
    o.until = a.until;
    o.multi_shot = a.multi_shot;
    if (a.split_depth)
        o.split_depth = static_cast<unsigned>(*a.split_depth);
    // A shard is part of a search that merge joins: its finding is shown as found (--shard's
    // help says so); run on the scenario alone shrinks it.
    if (!a.no_shrink && a.shard.empty()) {
        o.shrink_seconds = a.shrink_seconds;
        o.shrink_executions = a.shrink_executions;
    }
    return o;
}

}  // namespace iowq::cli
