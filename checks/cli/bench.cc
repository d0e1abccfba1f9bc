#include "checks/cli/bench.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include <fmt/format.h>

#include "checks/checker.h"

namespace iowq {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

long peak_kib()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;  // KiB on Linux
}

struct stats {
    double median = inf, min = inf, max = inf;
};

// Median, min and max of the values, where a search that found nothing counts as infinitely
// long: the median is then a real figure only if more than half of the searches found.
stats summary(std::vector<double> v)
{
    stats s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    std::size_t n = v.size();
    s.min = v.front();
    s.max = v.back();
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return s;
}

std::string num(double x, const char *fmt_spec, const std::string &over)
{
    if (std::isinf(x))
        return over;
    return fmt::format(fmt::runtime(fmt_spec), x);
}

bool has(const std::vector<std::string> &v, const char *x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

const scenario_info *scenario_named(const std::string &name)
{
    const scenario_info *s = find_scenario(name);
    if (!s)
        std::fprintf(stderr, "iowq-check: bench: unknown scenario '%s'\n", name.c_str());
    return s;
}

std::optional<search_kind> search_named_or_say(const std::string &s)
{
    std::optional<search_kind> st = search_named(s);
    if (!st)
        std::fprintf(stderr, "iowq-check: bench: unknown search '%s'; the searches are: %s\n",
                     s.c_str(), search_names);
    return st;
}

std::string budget_text(double seconds, std::uint64_t executions)
{
    std::string t;
    if (seconds > 0)
        t = fmt::format("{:g} s", seconds);
    if (executions > 0)
        t += fmt::format("{}{} executions", t.empty() ? "" : ", ", executions);
    return t.empty() ? "none" : t;
}

void part_find(const bench_options &o)
{
    std::string error;
    model_choice buggy = *parse_model("buggy", error);
    std::printf("\n== Time to the first finding, model buggy: %u seeds (1..%u) for random and pct, "
                "one run for the tree searches; budget of each search: %s ==\n",
                o.seeds, o.seeds, budget_text(o.find_seconds, o.find_executions).c_str());
    std::printf("A search that found nothing within its budget counts as infinitely long ('-').\n");
    std::printf("  %-10s %-16s %6s  %10s %10s %10s  %8s %8s %8s\n", "scenario", "search", "found",
                "exec med", "exec min", "exec max", "s med", "s min", "s max");
    for (const std::string &sn : o.find_scenarios) {
        const scenario_info *s = scenario_named(sn);
        std::vector<std::pair<std::string, int>> rows;  // search, stay
        for (const std::string &stn : o.searches)
            if (stn == "random")
                for (int stay : o.stays)
                    rows.emplace_back(stn, stay);
            else
                rows.emplace_back(stn, 0);
        for (const auto &[stn, stay] : rows) {
            search_kind st = *search_named_or_say(stn);
            bool seeded = st == search_kind::random || st == search_kind::pct;
            unsigned runs = seeded ? o.seeds : 1;
            std::vector<double> execs, secs;
            unsigned found = 0;
            unsigned bound = 0;
            for (unsigned seed = 1; seed <= runs; seed++) {
                check_options co;
                co.progress = true;  // shown as --progress says (runner.h: progress_hook)
                co.search = st;
                co.seed = seed;
                co.stay = static_cast<unsigned>(stay);
                co.iterations = std::numeric_limits<std::uint32_t>::max();
                co.max_seconds = o.find_seconds;
                co.max_executions = o.find_executions;
                check_outcome c = check(*s, buggy, co);
                bound = c.run.bound;
                bool hit = c.search.v == verdict::found;
                found += hit;
                execs.push_back(hit ? static_cast<double>(c.search.executions) : inf);
                secs.push_back(hit ? c.search.seconds : inf);
            }
            std::string name = st == search_kind::pct      ? "pct, depth 3"
                               : st == search_kind::bound  ? fmt::format("bound, bound {}", bound)
                               : st == search_kind::dpor   ? fmt::format("dpor, bound {}", bound)
                               : st == search_kind::random ? fmt::format("random, stay {}", stay)
                                                           : stn;
            stats e = summary(execs), t = summary(secs);
            std::printf("  %-10s %-16s %3u/%-2u  %10s %10s %10s  %8s %8s %8s\n", sn.c_str(),
                        name.c_str(), found, runs, num(e.median, "{:.0f}", "-").c_str(),
                        num(e.min, "{:.0f}", "-").c_str(), num(e.max, "{:.0f}", "-").c_str(),
                        num(t.median, "{:.3f}", "-").c_str(), num(t.min, "{:.3f}", "-").c_str(),
                        num(t.max, "{:.3f}", "-").c_str());
            std::fflush(stdout);
        }
    }
}

void part_rate(const bench_options &o)
{
    std::string error;
    model_choice patched = *parse_model("patched", error);
    std::printf(
        "\n== Executions per second: random search on patched, about %g s per scenario "
        "(seeds 1, 2, ... until the time is spent); points/exec: the model's scheduling points per "
        "execution ==\n",
        o.rate_seconds);
    std::printf("  %-38s %10s %8s %10s %12s\n", "scenario", "executions", "seconds", "exec/s",
                "points/exec");
    for (const scenario_info *s : scenarios()) {
        std::uint64_t total = 0, points = 0;
        double secs = 0;
        for (std::uint64_t seed = 1; secs < o.rate_seconds; seed++) {
            check_options co;
            co.progress = true;  // shown as --progress says (runner.h: progress_hook)
            co.search = search_kind::random;
            co.seed = seed;
            co.iterations = std::numeric_limits<std::uint32_t>::max();
            co.max_seconds = std::max(0.001, o.rate_seconds - secs);
            check_outcome c = check(*s, patched, co);
            total += c.search.executions;
            points += c.search.sched_points;
            secs += c.search.seconds;
        }
        std::printf("  %-38s %10llu %8.2f %10.0f %12.1f\n", s->name,
                    static_cast<unsigned long long>(total), secs,
                    secs > 0 ? static_cast<double>(total) / secs : 0.0,
                    total ? static_cast<double>(points) / static_cast<double>(total) : 0.0);
        std::fflush(stdout);
    }
}

// A dpor search on patched of the verify, states and traces parts: verify's budget.
check_options dpor_options(const bench_options &o, int bound)
{
    check_options co;
    co.progress = true;  // shown as --progress says (runner.h: progress_hook)
    co.search = search_kind::dpor;
    co.bound = bound;
    co.max_seconds = o.verify_seconds;
    co.max_executions = o.verify_executions;
    return co;
}

// A search's mark in a table: 'F' it found something, '*' the budget cut it short.
const char *mark_of(const run_result &r)
{
    return r.v == verdict::found ? "F" : r.complete ? " " : "*";
}

void part_verify(const bench_options &o)
{
    std::string error;
    model_choice patched = *parse_model("patched", error);
    std::printf("\n== verify --model patched: dpor search at each preemption bound; budget of each "
                "search: %s ==\n",
                budget_text(o.verify_seconds, o.verify_executions).c_str());
    std::printf("'*' marks a search the budget cut short (incomplete); 'F' one that found "
                "something (r11's known issue).\n");
    std::printf("  %-38s", "scenario");
    for (int b : o.bounds)
        std::printf("   %12s %9s", fmt::format("bound {} exec", b).c_str(), "seconds");
    std::printf("\n");
    std::vector<double> total(o.bounds.size(), 0);
    std::vector<bool> all_complete(o.bounds.size(), true);
    for (const scenario_info *s : scenarios()) {
        std::printf("  %-38s", s->name);
        for (std::size_t i = 0; i < o.bounds.size(); i++) {
            check_outcome c = check(*s, patched, dpor_options(o, o.bounds[i]));
            const char *mark = mark_of(c.search);
            all_complete[i] =
                all_complete[i] && (c.search.complete || c.search.v == verdict::found);
            total[i] += c.search.seconds;
            std::printf("   %11llu%s %9.2f", static_cast<unsigned long long>(c.search.executions),
                        mark, c.search.seconds);
            std::fflush(stdout);
        }
        std::printf("\n");
    }
    std::printf("  %-38s", "all scenarios (seconds)");
    for (std::size_t i = 0; i < o.bounds.size(); i++)
        std::printf("   %12s %9.2f", all_complete[i] ? "complete" : "incomplete", total[i]);
    std::printf("\n");
}

// How often states repeat (checks/search/states.h): what a state cache could skip at most, with
// and without happens-before, and the fingerprint's closure check.
void part_states(const bench_options &o)
{
    std::string error;
    model_choice patched = *parse_model("patched", error);
    std::printf("\n== States: how often the dpor search meets a state again (run --count-states), "
                "model patched; budget of each search: %s ==\n",
                budget_text(o.verify_seconds, o.verify_executions).c_str());
    std::printf("'*' marks a search the budget cut short; 'F' one that found something (r11's "
                "known issue), counted up to there. Skipped: the executions a state cache could "
                "skip at most (after the first repeat on each path); hb: with happens-before in "
                "the state.\n");
    std::printf("  %-8s %5s %12s %12s %11s %18s %18s %12s %6s %9s\n", "scenario", "bound",
                "executions", "decisions", "states", "skipped", "skipped, hb", "closure", "differ",
                "hb differ");
    for (const std::string &sn : o.state_scenarios) {
        const scenario_info *s = scenario_named(sn);
        for (int b : o.bounds) {
            check_options co = dpor_options(o, b);
            co.count_states = true;
            check_outcome c = check(*s, patched, co);
            const run_result &r = c.search;
            const state_census_stats &st = r.states;
            auto share = [&](std::uint64_t n) {
                return fmt::format("{} ({:.0f}%)", n,
                                   r.executions ? 100.0 * static_cast<double>(n) /
                                                      static_cast<double>(r.executions)
                                                : 0.0);
            };
            std::printf("  %-8s %5d %11llu%s %12llu %11llu %18s %18s %12llu %6llu %9llu\n",
                        sn.c_str(), b, static_cast<unsigned long long>(r.executions), mark_of(r),
                        static_cast<unsigned long long>(st.decisions),
                        static_cast<unsigned long long>(st.distinct), share(st.skippable()).c_str(),
                        share(st.skippable_hb()).c_str(),
                        static_cast<unsigned long long>(st.transitions),
                        static_cast<unsigned long long>(st.mismatches),
                        static_cast<unsigned long long>(st.mismatches_hb));
            std::fflush(stdout);
        }
    }
}

// Executions per trace (issue 14, item 2: at most 1.5 on r8, r9, r3 and r4 at bound 2): the
// distinct traces the dpor search reaches, and what one costs.
void part_traces(const bench_options &o)
{
    std::string error;
    model_choice patched = *parse_model("patched", error);
    std::printf("\n== Traces: executions per distinct trace of the dpor search (run "
                "--count-traces), model patched; budget of each search: %s ==\n",
                budget_text(o.verify_seconds, o.verify_executions).c_str());
    std::printf("A trace: an execution up to the order of independent steps; cut: cut short (a "
                "finding outside the focus, a hang, a budget), counted apart. '*' marks a "
                "search the budget cut short; 'F' one that found something. CPU: process CPU "
                "time per execution, the trace count on.\n");
    std::printf("  %-8s %5s %12s %10s %6s %11s %12s\n", "scenario", "bound", "executions", "traces",
                "cut", "exec/trace", "CPU us/exec");
    for (const std::string &sn : o.trace_scenarios) {
        const scenario_info *s = scenario_named(sn);
        for (int b : o.bounds) {
            check_options co = dpor_options(o, b);
            co.count_traces = true;
            std::clock_t cpu = std::clock();
            check_outcome c = check(*s, patched, co);
            double us = 1e6 * static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
            const run_result &r = c.search;
            std::uint64_t all = r.traces + r.cut_traces;
            double n = static_cast<double>(r.executions);
            std::printf("  %-8s %5d %11llu%s %10llu %6llu %11s %12.0f\n", sn.c_str(), b,
                        static_cast<unsigned long long>(r.executions), mark_of(r),
                        static_cast<unsigned long long>(r.traces),
                        static_cast<unsigned long long>(r.cut_traces),
                        all ? fmt::format("{:.2f}", n / static_cast<double>(all)).c_str() : "-",
                        r.executions ? us / n : 0.0);
            std::fflush(stdout);
        }
    }
}

// Determinism: R1's finding on buggy, replayed many times in this process; every report must
// be the first one byte for byte.
void part_replay(const bench_options &o)
{
    std::string error;
    const scenario_info *r1 = scenario_named("r1");
    check_outcome found = check(*r1, *parse_model("buggy", error), check_options{});
    std::printf("\n== Determinism: R1's finding on buggy replayed %u times in one process ==\n",
                o.replays);
    if (found.search.v != verdict::found) {
        std::printf("  r1 found nothing to replay\n");
        return;
    }
    std::string error2;
    replay_spec spec = *decode_token(found.token, error2);
    auto start = std::chrono::steady_clock::now();
    std::string first;
    unsigned differed = 0, first_diff = 0;
    for (unsigned i = 1; i <= o.replays; i++) {
        check_outcome c = replay(spec);
        std::string report = text_report(report_for(c, false));
        if (i == 1)
            first = report;
        else if (report != first && !differed++)
            first_diff = i;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("  token %s: %u replays in %.2f s, %u differed from the first", found.token.c_str(),
                o.replays, secs, differed);
    if (differed)
        std::printf(" (the first at replay %u)", first_diff);
    std::printf("\n");
    std::fflush(stdout);
}

}  // namespace

bench_options quick_bench()
{
    bench_options o;
    o.seeds = 2;
    o.find_seconds = 0;
    o.find_executions = 6000;
    o.rate_seconds = 0.1;
    o.bounds = {1};
    o.verify_seconds = 0;
    o.verify_executions = 300;
    o.replays = 20;
    return o;
}

int run_bench(const bench_options &o)
{
    for (const std::string &p : o.parts)
        if (p != "find" && p != "rate" && p != "verify" && p != "states" && p != "traces" &&
            p != "replay") {
            std::fprintf(stderr,
                         "iowq-check: bench: unknown part '%s'; the parts are: find, rate, "
                         "verify, states, traces, replay\n",
                         p.c_str());
            return 2;
        }
    for (const std::string &s : o.find_scenarios)
        if (!scenario_named(s))
            return 2;
    for (const std::string &s : o.state_scenarios)
        if (!scenario_named(s))
            return 2;
    for (const std::string &s : o.trace_scenarios)
        if (!scenario_named(s))
            return 2;
    for (const std::string &s : o.searches)
        if (!search_named_or_say(s))
            return 2;
    for (int stay : o.stays)
        if (stay < 0 || stay > 99) {
            std::fprintf(stderr, "iowq-check: bench: a stay is a percentage from 0 to 99\n");
            return 2;
        }
    for (int b : o.bounds)
        if (b < 1) {
            std::fprintf(stderr, "iowq-check: bench: a bound must be 1 or more\n");
            return 2;
        }
    if (o.seeds < 1) {
        std::fprintf(stderr, "iowq-check: bench: --seeds must be 1 or more\n");
        return 2;
    }
    if (has(o.parts, "find") && o.find_seconds <= 0 && o.find_executions == 0) {
        std::fprintf(stderr, "iowq-check: bench: the find part needs a budget: --find-seconds "
                             "(0, inf or 1e9 and more are no limit) or --find-executions\n");
        return 2;
    }
    auto start = std::chrono::steady_clock::now();
    std::printf("iowq-check bench\n");
    std::fflush(stdout);
    if (has(o.parts, "find"))
        part_find(o);
    if (has(o.parts, "rate"))
        part_rate(o);
    if (has(o.parts, "verify"))
        part_verify(o);
    if (has(o.parts, "states"))
        part_states(o);
    if (has(o.parts, "traces"))
        part_traces(o);
    if (has(o.parts, "replay"))
        part_replay(o);
    double all = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\n== Peak memory ==\n  peak resident set size: %ld KiB (getrusage ru_maxrss)\n",
                peak_kib());
    std::printf("  bench wall time: %.1f s\n", all);
    return 0;
}

}  // namespace iowq
