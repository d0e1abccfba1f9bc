#include "checks/cli/cli.h"

// GCC 12 sees a null dereference in CLI11's string splitting once it is inlined here (a vector
// relocation it cannot prove non-null): a false positive, silenced for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checks/search/search.h"
#include "checks/cli/shard.h"
#include "checks/search/token.h"

namespace iowq {

namespace {

constexpr int exit_usage = 2;

// The CMake project's version, set for iowq_cli by checks/cli/CMakeLists.txt (the parse's test
// binaries compile this file without it).
#ifndef IOWQ_VERSION
#define IOWQ_VERSION "(unknown: built without IOWQ_VERSION)"
#endif

const std::vector<std::string> command_names = {"list",   "run",   "replay", "verify", "diff",
                                                "bisect", "bench", "merge",  "help"};

// The optimal string alignment distance (insertions, deletions, substitutions and swaps of two
// neighbours), case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); i++)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); j++)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); i++)
        for (std::size_t j = 1; j <= b.size(); j++) {
            std::size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// The decimal text of a whole number of type T, and nothing else: CLI11's own conversion reads
// "010" as octal, "0x10" as hex, and saturates a number too large for 64 bits at the largest.
template <typename T>
CLI::Validator whole_number()
{
    return CLI::Validator(
        [](std::string &v) -> std::string {
            T x{};
            const char *end = v.data() + v.size();
            auto [p, ec] = std::from_chars(v.data(), end, x);
            if (!v.empty() && v[0] == '-' && std::is_unsigned_v<T>)
                return "must not be negative";
            if (ec == std::errc::result_out_of_range)
                return "'" + v + "' is out of range (" +
                       std::to_string(std::numeric_limits<T>::min()) + " to " +
                       std::to_string(std::numeric_limits<T>::max()) + ")";
            if (ec != std::errc() || p != end)
                return "'" + v + "' is not a whole number";
            return "";
        },
        "", "WHOLE NUMBER");
}

// What is wrong with a number of seconds, or "" if nothing. NaN compares false with every
// number, so it would pass every other check and then stop nothing.
std::string seconds_problem(const char *option, double v)
{
    if (std::isnan(v))
        return std::string(option) + " takes a number of seconds, not nan";
    if (v < 0)
        return std::string(option) + " must not be negative";
    return "";
}

// A budget of no_limit_seconds or more (inf included) is no limit: 0.
void no_limit(double &seconds)
{
    if (seconds >= no_limit_seconds)
        seconds = 0;
}

// What is wrong with an --until name, by the rule the token holds it to (is_until_name()).
std::string until_problem(const std::string &until, bool given)
{
    if (!given || is_until_name(until))
        return "";
    return "--until takes a kernel function's name (1 to 64 letters, digits or '_'), not '" +
           until + "'";
}

// What is wrong with a --shard (run and verify), or "" if nothing (or there is none).
std::string shard_problem(const std::string &shard, const std::string &format)
{
    if (shard.empty())
        return "";
    std::string error;
    if (!parse_shard(shard, error))
        return error;
    if (format != "json")
        return "--shard needs --format json: iowq-check merge puts the shards together";
    return "";
}

// A value check after CLI11's: empty when the value is fine, else what is wrong with it.
std::string check_values(const command_line &cl)
{
    switch (cl.cmd) {
    case command::run: {
        const run_args &a = cl.run;
        if (!a.search.empty() && !search_named(a.search))
            return "unknown search '" + a.search + "'" +
                   did_you_mean(a.search, {"random", "pct", "bound", "dpor", "full"}) +
                   "; the searches are: " + search_names;
        if (a.bound && *a.bound < 1)
            return "--bound must be 1 or more";
        if (a.depth < 1)
            return "--depth must be 1 or more";
        if (a.stay && (*a.stay < 0 || *a.stay > 99))
            return "--stay is a percentage from 0 to 99 (at 100 the running task would never be "
                   "preempted)";
        if (a.stay && !a.search.empty() && a.search != "random")
            return "--stay is for the random search (--search random)";
        if (std::string e = seconds_problem("--max-seconds", a.seconds); !e.empty())
            return e;
        if (a.model.empty())
            return "--model needs a model version: buggy, patched, parent, whatif-no-rcu or "
                   "fix ids";
        if (a.executions_given && a.executions == 0)
            return "--max-executions must be 1 or more (leave it out for the search's own "
                   "budget)";
        if (std::string e = until_problem(a.until, a.until_given); !e.empty())
            return e;
        if (a.depth_given && a.search != "pct")
            return "--depth is for the PCT search (--search pct)";
        if (a.seed_given && !a.search.empty() && a.search != "random" && a.search != "pct")
            return "--seed is for the random and PCT searches; the " + a.search +
                   " search draws nothing";
        if (a.bound && !a.search.empty() && a.search != "bound" && a.search != "dpor")
            return "--bound is for the bound and dpor searches, not " + a.search;
        if (std::string e = seconds_problem("--shrink-seconds", a.shrink_seconds); !e.empty())
            return e;
        if (a.shrink_seconds == 0)
            return "--shrink-seconds must be more than 0 (--no-shrink turns shrinking off)";
        if (a.shrink_executions == 0)
            return "--shrink-executions must be 1 or more (--no-shrink turns shrinking off)";
        if (!a.shard.empty() && !a.search.empty() && a.search != "random" && a.search != "pct" &&
            a.search != "dpor")
            return "--shard splits a random, PCT or dpor search, not " + a.search;
        if (a.split_depth && !a.search.empty() && a.search != "dpor")
            return "--split-depth splits the dpor search's tree, not " + a.search +
                   "'s (add --search dpor)";
        if (a.split_depth && (*a.split_depth < 1 || *a.split_depth > max_split_depth))
            return fmt::format("--split-depth must be from 1 to {}", max_split_depth);
        if (a.jobs < 0 || a.jobs > static_cast<int>(max_jobs))
            return fmt::format("--jobs must be from 0 (one per CPU) to {}", max_jobs);
        if (a.jobs != 1 && !a.search.empty() && a.search != "dpor")
            return "--jobs shares one dpor tree between processes, not " + a.search + "'s";
        if (a.jobs != 1 && !a.shard.empty())
            return "--jobs and --shard do not go together: a shard is one CI job's part of the "
                   "tree; --jobs shares the whole tree between this machine's CPUs";
        if (a.count_states && !a.search.empty() && a.search != "dpor")
            return "--count-states counts the states of the dpor search, not " + a.search +
                   "'s (add --search dpor)";
        if (a.count_traces && !a.search.empty() && a.search != "dpor")
            return "--count-traces counts the traces of the dpor search, not " + a.search +
                   "'s (add --search dpor)";
        if (a.count_traces && (a.jobs != 1 || !a.shard.empty()))
            return "--count-traces counts the traces of one search in one process: not with "
                   "--jobs or --shard";
        if (a.count_states && (a.jobs != 1 || !a.shard.empty() || a.split_depth))
            return "--count-states counts the states of one whole tree in one process: not with "
                   "--jobs, --shard or --split-depth";
        return shard_problem(a.shard, a.format);
    }
    case command::replay: {
        const replay_args &a = cl.replay;
        if (a.raw && (a.format == "html" || a.format == "sarif"))
            return "--relacy-history prints Relacy's own text history; use it with --format "
                   "text or json";
        if (a.repeat < 1)
            return "--repeat must be 1 or more";
        if (std::string e = seconds_problem("--max-seconds", a.seconds); !e.empty())
            return e;
        std::string error;
        if (!decode_token(a.token, error))
            return "bad replay token: " + error;
        return "";
    }
    case command::verify: {
        const verify_args &a = cl.verify;
        if (a.format == "html")
            return "--format html draws one execution's schedule (run, replay, diff); verify "
                   "prints a certificate line per scenario: use text, json, junit or sarif, and "
                   "open a finding's token with 'iowq-check replay TOKEN --format html'";
        if (a.bound < 1)
            return "--bound must be 1 or more";
        if (std::string e = seconds_problem("--max-seconds", a.seconds); !e.empty())
            return e;
        if (a.model.empty())
            return "--model needs a model version: buggy, patched, parent, whatif-no-rcu or "
                   "fix ids";
        if (a.jobs < 0)
            return "--jobs must be 0 (one per CPU) or more";
        if (a.split_depth && (*a.split_depth < 1 || *a.split_depth > max_split_depth))
            return fmt::format("--split-depth must be from 1 to {}", max_split_depth);
        return shard_problem(a.shard, a.format);
    }
    case command::diff: {
        if (cl.diff.model.empty())
            return "--model needs a model version: buggy, patched, parent, whatif-no-rcu or "
                   "fix ids";
        std::string error;
        if (!decode_token(cl.diff.token, error))
            return "bad replay token: " + error;
        return "";
    }
    case command::bisect:
        return seconds_problem("--max-seconds", cl.bisect.seconds);
    case command::bench: {
        const bench_options &o = cl.bench.options;
        for (auto [name, v] : {std::pair{"--find-seconds", o.find_seconds},
                               std::pair{"--rate-seconds", o.rate_seconds},
                               std::pair{"--verify-seconds", o.verify_seconds}})
            if (std::string e = seconds_problem(name, v); !e.empty())
                return e;
        if (o.rate_seconds >= no_limit_seconds)
            return "--rate-seconds is how long each scenario is measured: give a finite time "
                   "(under 1e9 s)";
        if (o.replays < 1)
            return "--replays must be 1 or more";
        return "";
    }
    case command::demo:
    case command::list:
    case command::merge:
        return "";
    }
    return "";
}

// Budgets of no_limit_seconds or more are no limit (0), once they are known to be numbers.
void normalise_seconds(command_line &cl)
{
    no_limit(cl.run.seconds);
    no_limit(cl.replay.seconds);
    no_limit(cl.verify.seconds);
    no_limit(cl.bisect.seconds);
    no_limit(cl.bench.options.find_seconds);
    no_limit(cl.bench.options.verify_seconds);
}

// For an option CLI11 did not know: the options of `sub` (and the program's own) it might have
// been, as " (did you mean '--x'?)", or "".
std::string option_hint(const CLI::App &app, const CLI::App *sub, int argc, const char *const *argv)
{
    std::vector<std::string> names;
    for (const CLI::App *a : {&app, sub})
        if (a)
            for (const CLI::Option *o : a->get_options())
                for (const std::string &l : o->get_lnames())
                    names.push_back("--" + l);
    for (int i = 1; i < argc; i++) {
        std::string_view arg = argv[i];
        if (arg.size() < 3 || arg.substr(0, 2) != "--")
            continue;
        arg = arg.substr(0, arg.find('='));
        if (std::find(names.begin(), names.end(), arg) != names.end())
            continue;
        if (std::string hint = did_you_mean(arg, names); !hint.empty())
            return "'" + std::string(arg) + "'" + hint;
    }
    return "";
}

}  // namespace

progress_style progress_style_for(const std::string &mode, bool stderr_tty, const char *term)
{
    if (mode == "always")
        return progress_style::log;
    if (mode == "never" || !stderr_tty || (term && std::string_view(term) == "dumb"))
        return progress_style::none;
    return progress_style::line;
}

std::uint64_t progress_interval_ms(progress_style style, const char *env)
{
    std::uint64_t ms = 0;
    if (env && *env) {
        const char *end = env + std::strlen(env);
        auto [p, ec] = std::from_chars(env, end, ms);
        if (ec == std::errc() && p == end)
            return ms;
    }
    return style == progress_style::log ? 10000 : 250;
}

namespace {

// Text appended to a fixed buffer, cut where it is full; fmt::format_to_n() into a char array
// allocates nothing.
struct fixed_text {
    char *buf;
    std::size_t size, n = 0;  // size counts the terminating NUL

    template <typename... T>
    void add(fmt::format_string<T...> f, T &&...args)
    {
        if (n + 1 >= size)
            return;
        auto r = fmt::format_to_n(buf + n, size - 1 - n, f, std::forward<T>(args)...);
        n += std::min<std::size_t>(r.size, size - 1 - n);
    }
};

}  // namespace

std::size_t progress_format(char *buf, std::size_t size, const progress_state &p)
{
    if (size == 0)
        return 0;
    fixed_text t{buf, size};
    t.add("{}{}{}:", p.before, p.what, p.after);
    if (p.total) {
        t.add(" {}/{} scenarios searched, {:.1f} s elapsed", p.done, p.total, p.seconds);
        if (p.max_seconds > 0)
            t.add(" (at most {:g} s a scenario)", p.max_seconds);
        if (!p.under_way.empty())
            t.add("; searching {}", p.under_way);
    } else {
        std::uint64_t of = p.max_executions && p.iterations
                               ? std::min(p.max_executions, p.iterations)
                               : std::max(p.max_executions, p.iterations);
        t.add(" {} executions", p.executions);
        if (of)
            t.add(" of {}", of);
        if (p.seconds > 0)
            t.add(", {:.0f}/s", static_cast<double>(p.executions) / p.seconds);
        if (p.pending >= 0)
            t.add(", {} branches left on its path", p.pending);
        t.add(", {:.1f} s", p.seconds);
        if (p.max_seconds > 0)
            t.add(" of {:g} s", p.max_seconds);
    }
    buf[t.n] = '\0';
    return t.n;
}

std::string progress_text(const progress_state &p)
{
    char buf[512];
    return std::string(buf, progress_format(buf, sizeof buf, p));
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string> &names)
{
    if (typed.empty())
        return "";
    // One edit for a short word, two for a longer one; never more than a third of it.
    std::size_t most = std::min<std::size_t>(2, std::max<std::size_t>(1, typed.size() / 3));
    std::size_t best = most + 1;
    std::vector<std::string> near;
    for (const std::string &n : names) {
        std::size_t d = edit_distance(typed, n);
        if (d > best || d == 0)
            continue;
        if (d < best)
            near.clear();
        best = d;
        if (std::find(near.begin(), near.end(), n) == near.end())
            near.push_back(n);
    }
    if (near.empty() || near.size() > 3)
        return "";
    std::string list;
    for (std::size_t i = 0; i < near.size(); i++)
        list += (i == 0 ? "" : i + 1 == near.size() ? " or " : ", ") + ("'" + near[i] + "'");
    return " (did you mean " + list + "?)";
}

const char *iowq_version()
{
    return IOWQ_VERSION;
}

parse_outcome parse_command_line(int argc, const char *const *argv, command_line &cl)
{
    parse_outcome po;
    cl = command_line{};
    if (argc <= 1)
        return po;  // the demo

    // `iowq-check help [COMMAND]` is `iowq-check [COMMAND] --help`.
    std::vector<const char *> args(argv, argv + argc);
    if (std::string_view(argv[1]) == "help") {
        if (argc > 3) {
            po.status = exit_usage;
            po.err = "iowq-check: help takes one command at most: iowq-check help COMMAND\n";
            return po;
        }
        if (argc == 3 &&
            std::find(command_names.begin(), command_names.end(), argv[2]) == command_names.end()) {
            po.status = exit_usage;
            po.err = std::string("iowq-check: help: unknown command '") + argv[2] + "'" +
                     did_you_mean(argv[2], command_names) +
                     "; the commands are: list, run, replay, verify, diff, bisect, bench, "
                     "merge, help\n";
            return po;
        }
        args = {argv[0]};
        if (argc == 3 && std::string_view(argv[2]) != "help")
            args.push_back(argv[2]);
        args.push_back("--help");
        argc = static_cast<int>(args.size());
        argv = args.data();
    }

    // CLI11's own range check prints the whole range of a double; say it plainly.
    CLI::Validator not_negative(
        [](std::string &v) { return !v.empty() && v[0] == '-' ? "must not be negative" : ""; },
        "NOT NEGATIVE");

    CLI::App app{"iowq-check: searches io-wq's interleavings for lifecycle bugs.\n"
                 "With no arguments, runs the demo: R12 found on buggy (refcount_inc_not_zero on a "
                 "freed worker), its schedule on patched with the proposed fix d9b46f91b8fd, and "
                 "patched verified.\n"
                 "Exit status: 0 nothing found, 1 a violation found, 2 usage or input error, "
                 "3 budget ran out, 4 replay --repeat saw a replay differ; interrupted by SIGINT "
                 "or SIGTERM, it stops its searches and dies of that signal (a shell's status "
                 "130 or 143)."};
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", std::string("iowq-check ") + IOWQ_VERSION,
                         "Print iowq-check's version and exit");
    app.add_subcommand("help", "Print a command's help: 'iowq-check help run' is "
                               "'iowq-check run --help'");

    CLI::App *lst = app.add_subcommand("list", "List the scenarios, models, fixes and searches");

    const char *view_help =
        "full (every step of the schedule, the default) or story (the steps on the objects the "
        "report is about, the sleeps and wake-ups of the tasks that touched them, and each "
        "preemption), in the text, JSON and HTML reports";
    run_args &ra = cl.run;
    CLI::App *run = app.add_subcommand("run", "Search one scenario on one model version");
    run->add_option("--scenario", ra.scenario, "Scenario name (or a unique prefix, e.g. r1)")
        ->required();
    run->add_option("--model", ra.model,
                    "buggy, patched, parent, whatif-no-rcu, or comma-separated fix ids (default "
                    "buggy)");
    run->add_option("--preempt", ra.preempt,
                    "The kernel's preemption model, as its preempt= boot option names them: full "
                    "(CONFIG_PREEMPT, syzbot's, the default) or none (CONFIG_PREEMPT_NONE: kernel "
                    "code is never preempted, and a task holds back RCU's grace period until it "
                    "sleeps, returns to user mode or exits)")
        ->check(CLI::IsMember({"full", "none"}));
    run->add_option("--search,--strategy", ra.search,
                    "random, pct, bound, dpor or full (default: the scenario's own search)");
    run->add_option("--bound", ra.bound,
                    "Preemptions, for bound and dpor (default: the "
                    "scenario's)")
        ->check(whole_number<int>());
    CLI::Option *seed = run->add_option("--seed", ra.seed, "Seed, for random and pct (default 1)")
                            ->check(not_negative)
                            ->check(whole_number<std::uint64_t>());
    CLI::Option *depth = run->add_option("--depth", ra.depth, "Depth, for pct (default 3)")
                             ->check(whole_number<int>());
    run->add_option("--stay", ra.stay,
                    "Random search: percent chance that the running task goes on at a "
                    "scheduling point (default " +
                        std::to_string(default_stay) +
                        "; 0: a uniform choice at every point; never between a plain "
                        "read-modify-write's halves)")
        ->check(whole_number<int>());
    CLI::Option *executions =
        run->add_option("--max-executions", ra.executions,
                        "Stop after this many executions, 1 or more (default: random and PCT "
                        "run the scenario's own count, 20000 where --search names them; a tree "
                        "search has no such limit)")
            ->check(not_negative)
            ->check(whole_number<std::uint64_t>());
    run->add_option("--max-seconds", ra.seconds,
                    "Stop after this many seconds (default 600, so that no search hangs a CI "
                    "job; 0, inf or 1e9 and more: no limit)");
    CLI::Option *until =
        run->add_option("--until", ra.until,
                        "Go on until a finding in this kernel function (others end only their "
                        "execution)");
    run->add_flag("--multi-shot", ra.multi_shot,
                  "Keep going after a KASAN report or a WARNING, as kasan_multi_shot does");
    run->add_option("--format", ra.format,
                    "text, json, junit, sarif (SARIF 2.1.0, for code scanning) or html (a "
                    "self-contained page of the finding)")
        ->check(CLI::IsMember({"text", "json", "junit", "sarif", "html"}));
    run->add_option("--view", cl.view, view_help)->check(CLI::IsMember({"full", "story"}));
    run->add_flag("--no-shrink", ra.no_shrink,
                  "Report the schedule the search found, without looking for a simpler one");
    run->add_option("--shrink-seconds", ra.shrink_seconds,
                    fmt::format("Shrinking's time cap, more than 0 (default {:g}; inf or 1e9 and "
                                "more: none, the executions alone)",
                                default_shrink_seconds));
    run->add_option("--shrink-executions", ra.shrink_executions,
                    fmt::format("Shrinking's budget of executions, 1 or more (default {})",
                                default_shrink_executions))
        ->check(not_negative)
        ->check(whole_number<std::uint64_t>());
    run->add_option("--shard", ra.shard,
                    "I/N: run only executions i = I mod N of a random or PCT search, or subtrees "
                    "k = I-1 mod N of a dpor search's split tree (--split-depth) (with --format "
                    "json; iowq-check merge joins the shards; a shard does not shrink what it "
                    "finds)");
    run->add_option("--jobs", ra.jobs,
                    fmt::format("dpor: search one tree split at --split-depth (default {}) with "
                                "this many processes, each taking the next subtree nobody has "
                                "taken (default 1; 0: one per CPU); the result is the unsplit "
                                "search's with the same split",
                                default_split_depth))
        ->check(whole_number<int>());
    run->add_flag("--count-states", ra.count_states,
                  "dpor: fingerprint the state at every new decision and say how often states "
                  "repeat, what a state cache could skip at most, and whether the fingerprint "
                  "passed its closure check (docs/performance.md, section 10)");
    run->add_flag("--count-traces", ra.count_traces,
                  "dpor: count the distinct traces (executions up to the order of independent "
                  "steps) the search reached, and the executions per trace "
                  "(docs/performance.md, section 11)");
    run->add_option("--split-depth", ra.split_depth,
                    fmt::format("dpor: the first D decisions of every execution take every "
                                "alternative within the bound, and each sequence of them roots a "
                                "subtree of its own (default with --shard: {}; 1 to {})",
                                default_split_depth, max_split_depth))
        ->check(whole_number<int>());

    replay_args &rp = cl.replay;
    CLI::App *rep = app.add_subcommand(
        "replay", "Run the schedule of a replay token again, on the model version the token names");
    rep->add_option("token", rp.token, "The token a report ends with")->required();
    rep->add_option("--format", rp.format,
                    "text, json, sarif (SARIF 2.1.0) or html (a self-contained page)")
        ->check(CLI::IsMember({"text", "json", "sarif", "html"}));
    rep->add_option("--view", cl.view, view_help)->check(CLI::IsMember({"full", "story"}));
    rep->add_flag("--relacy-history", rp.raw,
                  "Also print Relacy's raw history of the execution (with --format json: its "
                  "relacy_history field; --repeat compares the reports without it, as it prints "
                  "host addresses)");
    rep->add_option("--repeat", rp.repeat,
                    "Replay this many times and check that every replay prints the same "
                    "(exit 4 if one does not)")
        ->check(whole_number<int>());
    rep->add_option("--max-seconds", rp.seconds,
                    "Budget of --repeat: no replay starts after this many seconds (default 600; "
                    "0, inf or 1e9 and more: no limit); cut short, it says how many were done "
                    "and exits 3");

    verify_args &va = cl.verify;
    CLI::App *ver = app.add_subcommand("verify", "Search every scenario's question, exhaustively "
                                                 "within a preemption bound");
    ver->add_option("--model", va.model, "The model version to verify (default patched)");
    ver->add_option("--bound", va.bound, "Preemption bound (default 2)")
        ->check(whole_number<int>());
    ver->add_option("--max-seconds", va.seconds,
                    "Budget per scenario (default 30; 0, inf or 1e9 and more: none); a search cut "
                    "short says so");
    // html is refused by check_values() with a message that says where pages come from, so the
    // check lets it through without listing it.
    ver->add_option("--format", va.format, "text, json, junit or sarif (SARIF 2.1.0)")
        ->check(CLI::Validator(
            [](std::string &v) -> std::string {
                return v == "text" || v == "json" || v == "junit" || v == "sarif" || v == "html"
                           ? ""
                           : "'" + v + "' is not a format of verify: text, json, junit or sarif";
            },
            "{text,json,junit,sarif}"));
    ver->add_option("--max-executions", va.executions,
                    "Execution budget per scenario (default 0: none); a search cut short says so")
        ->check(not_negative)
        ->check(whole_number<std::uint64_t>());
    ver->add_option("--jobs", va.jobs,
                    "Scenarios searched at once, each in a process of its own (default 0: one "
                    "per CPU; 1: one after another). The output is the same")
        ->check(whole_number<int>());
    ver->add_option("--shard", va.shard,
                    "I/N: verify only the scenarios k = I-1 mod N (0-based, in list order), or "
                    "with --split-depth the subtrees k = I-1 mod N of every scenario's tree, with "
                    "--format json; iowq-check merge joins the shards");
    ver->add_option("--split-depth", va.split_depth,
                    fmt::format("Split every scenario's tree at depth D (1 to {}; run's "
                                "--split-depth): with --shard, every shard searches a share of "
                                "every tree instead of whole scenarios",
                                max_split_depth))
        ->check(whole_number<int>());

    merge_args &ma = cl.merge;
    CLI::App *mer = app.add_subcommand(
        "merge", "Join the JSON results of the shards of one sharded run or verify");
    mer->add_option("files", ma.files, "The shards' JSON results, one file each")->required();
    mer->add_option("--format", ma.format, "text or json")->check(CLI::IsMember({"text", "json"}));

    diff_args &da = cl.diff;
    CLI::App *dif = app.add_subcommand("diff", "Run a token's schedule on another model version");
    dif->add_option("token", da.token, "The token")->required();
    dif->add_option("--model", da.model, "The other model version (default patched)");
    dif->add_option("--format", da.format, "text or html (the two runs side by side)")
        ->check(CLI::IsMember({"text", "html"}));

    bisect_args &ba = cl.bisect;
    CLI::App *bis = app.add_subcommand(
        "bisect", "Name the first bad version of each scenario: its own search on the model "
                  "versions parent, then buggy");
    bis->add_option("--max-seconds", ba.seconds,
                    "Budget per search (default 60; 0, inf or 1e9 and more: none)");
    bis->add_option("--scenario", ba.scenario, "Only this scenario");

    bench_options &bo = cl.bench.options;
    CLI::App *ben = app.add_subcommand(
        "bench", "Measure the searches: time and executions to the first finding (on buggy), "
                 "executions per second and verify at several bounds (on patched), peak memory");
    ben->add_flag("--quick", cl.bench.quick,
                  "A run of a few seconds (2 seeds, tiny budgets, bound 1); other options given "
                  "after it still apply");
    ben->add_option("--parts", bo.parts,
                    "Which parts: find, rate, verify, states, traces, replay (default all)")
        ->delimiter(',');
    ben->add_option("--scenarios", bo.find_scenarios,
                    "Scenarios of the find part (default r1,r8,r12)")
        ->delimiter(',');
    ben->add_option("--searches,--strategies", bo.searches,
                    "Searches of the find part (default random,pct,bound,dpor,full)")
        ->delimiter(',');
    ben->add_option("--stays", bo.stays,
                    "The random search's --stay values in the find part, a row each (default " +
                        std::to_string(default_stay) + ",0)")
        ->delimiter(',')
        ->check(whole_number<int>());
    ben->add_option("--seeds", bo.seeds, "Seeds 1..N for random and pct (default 20)")
        ->check(whole_number<unsigned>());
    ben->add_option("--find-seconds", bo.find_seconds,
                    "Budget of each find search (default 10; 0, inf or 1e9 and more: none)")
        ->check(not_negative);
    ben->add_option("--find-executions", bo.find_executions,
                    "Execution budget of each find search (default none)")
        ->check(not_negative)
        ->check(whole_number<std::uint64_t>());
    ben->add_option("--rate-seconds", bo.rate_seconds,
                    "Seconds of random search per scenario for executions/s (default 2)")
        ->check(not_negative);
    ben->add_option("--state-scenarios", bo.state_scenarios,
                    "Scenarios of the states part, each at every bound of --bounds (default "
                    "r8,r9,r11)")
        ->delimiter(',');
    ben->add_option("--trace-scenarios", bo.trace_scenarios,
                    "Scenarios of the traces part, each at every bound of --bounds (default "
                    "r8,r9,r3,r4)")
        ->delimiter(',');
    ben->add_option("--bounds", bo.bounds,
                    "Preemption bounds of the verify, states and traces parts (default 1,2,3)")
        ->delimiter(',')
        ->check(whole_number<int>());
    ben->add_option("--verify-seconds", bo.verify_seconds,
                    "Budget of each verify search (default 30; 0, inf or 1e9 and more: none)")
        ->check(not_negative);
    ben->add_option("--verify-executions", bo.verify_executions,
                    "Execution budget of each verify search (default none)")
        ->check(not_negative)
        ->check(whole_number<std::uint64_t>());
    ben->add_option("--replays", bo.replays,
                    "How many times the replay part replays R1's finding, 1 or more (default "
                    "1000)")
        ->check(whole_number<unsigned>());

    // --color on the program and on each command, before or after the command's name.
    auto color = CLI::IsMember({"auto", "always", "never"});
    const char *color_help = "auto (colour on a terminal, unless NO_COLOR is set and not empty or "
                             "TERM is dumb), always or never";
    app.add_option("--color", cl.color, color_help)->check(color);
    for (CLI::App *c : app.get_subcommands({}))
        if (c->get_name() != "help")
            c->add_option("--color", cl.color, color_help)->check(color);
    // --progress likewise.
    auto progress = CLI::IsMember({"auto", "always", "never"});
    const char *progress_help =
        "auto (a status line on stderr, rewritten in place, when stderr is a terminal and TERM "
        "is not dumb), always (a plain line on stderr every 10 s, for CI logs) or never";
    app.add_option("--progress", cl.progress, progress_help)->check(progress);
    for (CLI::App *c : app.get_subcommands({}))
        if (c->get_name() != "help")
            c->add_option("--progress", cl.progress, progress_help)->check(progress);
    // --model-sites likewise: for developers of the model, reports name the model's own source
    // lines and frames instead of the kernel's file:line.
    const char *sites_help = "Reports name the model's source file:line, not the kernel's (for "
                             "developers of the model)";
    app.add_flag("--model-sites", cl.model_sites, sites_help);
    for (CLI::App *c : app.get_subcommands({}))
        if (c->get_name() != "help")
            c->add_flag("--model-sites", cl.model_sites, sites_help);

    if (argv[1][0] != '-') {
        bool known =
            std::find(command_names.begin(), command_names.end(), argv[1]) != command_names.end();
        if (!known) {
            po.status = exit_usage;
            po.err = std::string("iowq-check: unknown command '") + argv[1] + "'" +
                     did_you_mean(argv[1], command_names) +
                     "; the commands are: list, run, replay, verify, diff, bisect, bench, "
                     "merge, help\n";
            return po;
        }
    }
    const CLI::App *sub = nullptr;
    if (argv[1][0] != '-')
        sub = app.get_subcommand(argv[1]);
    std::ostringstream out, err;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp &e) {
        po.status = app.exit(e, out, err);
    } catch (const CLI::CallForAllHelp &e) {
        po.status = app.exit(e, out, err);
    } catch (const CLI::CallForVersion &e) {
        po.status = app.exit(e, out, err);
    } catch (const CLI::ParseError &e) {
        po.status = exit_usage;
        err << "iowq-check: " << e.what() << "\n";
        if (std::string hint = option_hint(app, sub, argc, argv); !hint.empty())
            err << "iowq-check: " << hint << "\n";
        err << "Run 'iowq-check " << (sub ? sub->get_name() + " " : std::string())
            << "--help' for usage.\n";
    }
    if (po.status >= 0) {
        po.out = out.str();
        po.err = err.str();
        return po;
    }

    cl.cmd = lst->parsed()   ? command::list
             : run->parsed() ? command::run
             : rep->parsed() ? command::replay
             : ver->parsed() ? command::verify
             : mer->parsed() ? command::merge
             : dif->parsed() ? command::diff
             : bis->parsed() ? command::bisect
             : ben->parsed() ? command::bench
                             : command::demo;
    if (cl.cmd == command::run) {
        cl.run.seed_given = seed->count() > 0;
        cl.run.depth_given = depth->count() > 0;
        cl.run.executions_given = executions->count() > 0;
        cl.run.until_given = until->count() > 0;
    }
    if (cl.cmd == command::bench) {
        cl.bench.seeds = ben->count("--seeds") > 0;
        cl.bench.find_seconds = ben->count("--find-seconds") > 0;
        cl.bench.find_executions = ben->count("--find-executions") > 0;
        cl.bench.rate_seconds = ben->count("--rate-seconds") > 0;
        cl.bench.bounds = ben->count("--bounds") > 0;
        cl.bench.verify_seconds = ben->count("--verify-seconds") > 0;
        cl.bench.verify_executions = ben->count("--verify-executions") > 0;
        cl.bench.replays = ben->count("--replays") > 0;
    }
    std::string wrong = check_values(cl);
    if (!wrong.empty()) {
        po.status = exit_usage;
        po.err = "iowq-check: " + wrong + "\n";
    }
    normalise_seconds(cl);
    return po;
}

}  // namespace iowq
