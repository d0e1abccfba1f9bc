#include "checks/cli/cli.h"

// GCC 12 sees a null dereference in CLI11's string splitting once it is inlined here (a vector
// relocation it cannot prove non-null): a false positive, silenced for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <sstream>

#include <CLI/CLI.hpp>

#include "checks/search/search.h"
#include "checks/cli/shard.h"
#include "checks/search/token.h"

namespace iowq {

namespace {

constexpr int exit_usage = 2;

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
            return "unknown search '" + a.search + "'; the searches are: " + search_names;
        if (a.bound && *a.bound < 1)
            return "--bound must be 1 or more";
        if (a.depth < 1)
            return "--depth must be 1 or more";
        if (a.stay && (*a.stay < 0 || *a.stay > 99))
            return "--stay is a percentage from 0 to 99 (at 100 the running task would never be "
                   "preempted)";
        if (a.stay && !a.search.empty() && a.search != "random")
            return "--stay is for the random search (--search random)";
        if (a.seconds < 0)
            return "--max-seconds must not be negative";
        if (!a.shard.empty() && !a.search.empty() && a.search != "random" && a.search != "pct")
            return "--shard splits a random or PCT search (run); a tree search is split by "
                   "scenario with verify --shard";
        return shard_problem(a.shard, a.format);
    }
    case command::replay: {
        const replay_args &a = cl.replay;
        if (a.raw && a.format == "html")
            return "--relacy-history prints Relacy's own text history; use it with --format text";
        if (a.repeat < 1)
            return "--repeat must be 1 or more";
        std::string error;
        if (!decode_token(a.token, error))
            return "bad replay token: " + error;
        return "";
    }
    case command::verify: {
        const verify_args &a = cl.verify;
        if (a.format == "html")
            return "--format html draws one execution's schedule (run, replay, diff); verify "
                   "prints a certificate line per scenario: use text, json or junit, and open a "
                   "finding's token with 'iowq-check replay TOKEN --format html'";
        if (a.bound < 1)
            return "--bound must be 1 or more";
        if (a.seconds < 0)
            return "--max-seconds must not be negative";
        if (a.jobs < 0)
            return "--jobs must be 0 (one per CPU) or more";
        return shard_problem(a.shard, a.format);
    }
    case command::diff: {
        std::string error;
        if (!decode_token(cl.diff.token, error))
            return "bad replay token: " + error;
        return "";
    }
    case command::bisect:
        if (cl.bisect.seconds < 0)
            return "--max-seconds must not be negative";
        return "";
    case command::demo:
    case command::list:
    case command::bench:
    case command::merge:
        return "";
    }
    return "";
}

}  // namespace

parse_outcome parse_command_line(int argc, const char *const *argv, command_line &cl)
{
    parse_outcome po;
    cl = command_line{};
    if (argc <= 1)
        return po;  // the demo

    // CLI11's own range check prints the whole range of a double; say it plainly.
    CLI::Validator not_negative(
        [](std::string &v) { return !v.empty() && v[0] == '-' ? "must not be negative" : ""; },
        "NOT NEGATIVE");

    CLI::App app{"iowq-check: searches io-wq's interleavings for lifecycle bugs.\n"
                 "With no arguments, runs the demo: R12 found on buggy (refcount_inc_not_zero on a "
                 "freed worker), its schedule on patched with the proposed fix d9b46f91b8fd, and "
                 "patched verified.\n"
                 "Exit status: 0 nothing found, 1 a violation found, 2 usage or input error, "
                 "3 budget ran out (4: replay --repeat saw a replay differ)."};
    app.require_subcommand(1);

    CLI::App *lst = app.add_subcommand("list", "List the scenarios, models, fixes and searches");

    run_args &ra = cl.run;
    CLI::App *run = app.add_subcommand("run", "Search one scenario on one model version");
    run->add_option("--scenario", ra.scenario, "Scenario name (or a unique prefix, e.g. r1)")
        ->required();
    run->add_option("--model", ra.model,
                    "buggy, patched, parent, whatif-no-rcu, or comma-separated fix ids");
    run->add_option("--search,--strategy", ra.search,
                    "random, pct, bound, dpor or full (default: the scenario's own search)");
    run->add_option("--bound", ra.bound,
                    "Preemptions, for bound and dpor (default: the "
                    "scenario's)");
    run->add_option("--seed", ra.seed, "Seed, for random and pct")->check(not_negative);
    run->add_option("--depth", ra.depth, "Depth, for pct");
    run->add_option("--stay", ra.stay,
                    "Random search: percent chance that the running task goes on at a "
                    "scheduling point (default " +
                        std::to_string(default_stay) +
                        "; 0: a uniform choice at every point; never between a plain "
                        "read-modify-write's halves)");
    run->add_option("--max-executions", ra.executions, "Stop after this many executions")
        ->check(not_negative);
    run->add_option("--max-seconds", ra.seconds,
                    "Stop after this many seconds (default 600, so that no search hangs a CI "
                    "job; 0: no limit)");
    run->add_option("--until", ra.until,
                    "Go on until a finding in this kernel function (others end only their "
                    "execution)");
    run->add_flag("--multi-shot", ra.multi_shot,
                  "Keep going after a KASAN report or a WARNING, as kasan_multi_shot does");
    run->add_option("--format", ra.format,
                    "text, json, junit or html (a self-contained page of the finding)")
        ->check(CLI::IsMember({"text", "json", "junit", "html"}));
    run->add_option("--shard", ra.shard,
                    "I/N: run only executions i = I mod N of a random or PCT search (with "
                    "--format json; iowq-check merge joins the shards)");

    replay_args &rp = cl.replay;
    CLI::App *rep = app.add_subcommand("replay", "Run the schedule of a replay token again");
    rep->add_option("token", rp.token, "The token a report ends with")->required();
    rep->add_option("--format", rp.format, "text, json or html (a self-contained page)")
        ->check(CLI::IsMember({"text", "json", "html"}));
    rep->add_flag("--relacy-history", rp.raw, "Also print Relacy's raw history of the execution");
    rep->add_option("--repeat", rp.repeat,
                    "Replay this many times and check that every replay prints the same "
                    "(exit 4 if one does not)");

    verify_args &va = cl.verify;
    CLI::App *ver = app.add_subcommand("verify", "Search every scenario's question, exhaustively "
                                                 "within a preemption bound");
    ver->add_option("--model", va.model, "The model version to verify (default patched)");
    ver->add_option("--bound", va.bound, "Preemption bound (default 2)");
    ver->add_option("--max-seconds", va.seconds,
                    "Budget per scenario (default 30; 0: none); a search cut short says so");
    ver->add_option("--format", va.format, "text, json or junit")
        ->check(CLI::IsMember({"text", "json", "junit", "html"}));
    ver->add_option("--max-executions", va.executions,
                    "Execution budget per scenario (default none); a search cut short says so")
        ->check(not_negative);
    ver->add_option("--jobs", va.jobs,
                    "Scenarios searched at once, each in a process of its own (default 0: one "
                    "per CPU; 1: one after another). The output is the same");
    ver->add_option("--shard", va.shard,
                    "I/N: verify only the scenarios k = I-1 mod N (0-based, in list order), with "
                    "--format json; iowq-check merge joins the shards");

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
        "bisect", "Name the first bad version of each scenario (parent, then buggy)");
    bis->add_option("--max-seconds", ba.seconds, "Budget per search (default 60)");
    bis->add_option("--scenario", ba.scenario, "Only this scenario");

    bench_options &bo = cl.bench.options;
    CLI::App *ben = app.add_subcommand(
        "bench", "Measure the searches: time and executions to the first finding, executions "
                 "per second, verify at several bounds, peak memory");
    ben->add_flag("--quick", cl.bench.quick,
                  "A run of a few seconds (2 seeds, tiny budgets, bound 1); other options given "
                  "after it still apply");
    ben->add_option("--parts", bo.parts, "Which parts: find, rate, verify, replay (default all)")
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
    ben->add_option("--replays", bo.replays,
                    "How many times the replay part replays R1's finding (default 1000)");

    if (argv[1][0] != '-') {
        bool known = false;
        for (const CLI::App *c : app.get_subcommands({}))
            known |= c->get_name() == argv[1];
        if (!known) {
            po.status = exit_usage;
            po.err = std::string("iowq-check: unknown command '") + argv[1] +
                     "'; the commands are: list, run, replay, verify, diff, bisect, bench, "
                     "merge\n";
            return po;
        }
    }
    std::ostringstream out, err;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp &e) {
        po.status = app.exit(e, out, err);
    } catch (const CLI::CallForAllHelp &e) {
        po.status = app.exit(e, out, err);
    } catch (const CLI::ParseError &e) {
        po.status = exit_usage;
        err << "iowq-check: " << e.what() << "\nRun 'iowq-check --help' for usage.\n";
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
                             : command::bench;
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
    return po;
}

}  // namespace iowq
