// The command line's parse (checks/cli/cli.cc): what it accepts, and what it refuses with status 2
// and a message that names the problem, without running anything.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "checks/cli/cli.h"
#include "checks/search/token.h"

using namespace iowq;

namespace {

parse_outcome parse(std::initializer_list<const char *> args, command_line &cl)
{
    std::vector<const char *> argv = {"iowq-check"};
    argv.insert(argv.end(), args);
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), cl);
}

// Refused with status 2, nothing on stdout, and a message on stderr that contains `says`.
void refused(std::initializer_list<const char *> args, const std::string &says)
{
    command_line cl;
    parse_outcome p = parse(args, cl);
    std::string line;
    for (const char *a : args)
        line += std::string(" ") + a;
    INFO("iowq-check" << line << "; stderr: " << p.err);
    CHECK(p.status == 2);
    CHECK(p.out.empty());
    CHECK(p.err.rfind("iowq-check: ", 0) == 0);
    CHECK(p.err.find(says) != std::string::npos);
}

}  // namespace

TEST_CASE("no arguments is the demo")
{
    command_line cl;
    std::vector<const char *> argv = {"iowq-check"};
    parse_outcome p = parse_command_line(1, argv.data(), cl);
    CHECK(p.status < 0);
    CHECK(cl.cmd == command::demo);
}

TEST_CASE("well-formed command lines parse into their commands")
{
    command_line cl;
    REQUIRE(parse({"run", "--scenario", "r1", "--model", "patched", "--search", "pct", "--seed",
                   "7", "--depth", "2", "--max-seconds", "1.5", "--format", "json"},
                  cl)
                .status < 0);
    CHECK(cl.cmd == command::run);
    CHECK(cl.run.scenario == "r1");
    CHECK(cl.run.model == "patched");
    CHECK(cl.run.search == "pct");
    CHECK(cl.run.seed == 7);
    CHECK(cl.run.depth == 2);
    CHECK(cl.run.seconds == 1.5);
    CHECK(cl.run.format == "json");
    // --strategy, the option's first name, still picks a search.
    REQUIRE(parse({"run", "--scenario", "r1", "--strategy", "bound"}, cl).status < 0);
    CHECK(cl.run.search == "bound");

    REQUIRE(parse({"replay", "AgEAEAECAAGWu-Xj64SMi80BvFo", "--repeat", "3"}, cl).status < 0);
    CHECK(cl.cmd == command::replay);
    CHECK(cl.replay.repeat == 3);

    REQUIRE(parse({"verify", "--bound", "1", "--shard", "2/3", "--format", "json"}, cl).status < 0);
    CHECK(cl.cmd == command::verify);
    CHECK(cl.verify.bound == 1);
    CHECK(cl.verify.shard == "2/3");

    REQUIRE(parse({"bench", "--quick", "--seeds", "4"}, cl).status < 0);
    CHECK(cl.cmd == command::bench);
    CHECK(cl.bench.quick);
    CHECK(cl.bench.seeds);
    CHECK_FALSE(cl.bench.bounds);
    CHECK(cl.bench.options.seeds == 4);
}

TEST_CASE("help: --help prints on stdout and exits 0")
{
    command_line cl;
    parse_outcome p = parse({"--help"}, cl);
    CHECK(p.status == 0);
    CHECK(p.out.find("Exit status") != std::string::npos);
    p = parse({"run", "--help"}, cl);
    CHECK(p.status == 0);
    CHECK(p.out.find("--scenario") != std::string::npos);
}

TEST_CASE("bad command lines are refused with a message that says what is wrong")
{
    refused({"frobnicate"}, "unknown command 'frobnicate'");
    refused({""}, "unknown command ''");
    refused({"run"}, "--scenario is required");
    refused({"run", "--scenario", "r1", "--search", "dfs"}, "unknown search 'dfs'");
    refused({"run", "--scenario", "r1", "--bound", "0"}, "--bound must be 1 or more");
    refused({"run", "--scenario", "r1", "--depth", "0"}, "--depth must be 1 or more");
    refused({"run", "--scenario", "r1", "--max-seconds", "-1"}, "--max-seconds");
    refused({"run", "--scenario", "r1", "--seed", "-5"}, "must not be negative");
    refused({"run", "--scenario", "r1", "--bound", "two"}, "--bound");
    refused({"run", "--scenario", "r1", "--stay", "100"}, "--stay is a percentage from 0 to 99");
    refused({"run", "--scenario", "r1", "--stay", "-1"}, "--stay is a percentage");
    refused({"run", "--scenario", "r1", "--search", "pct", "--stay", "50"},
            "--stay is for the random search");
    refused({"run", "--scenario", "r1", "--format", "xml"}, "--format");
    refused({"run", "--scenario", "r1", "--shard", "3/2", "--format", "json"}, "3/2");
    refused({"run", "--scenario", "r1", "--shard", "1/2"}, "--shard needs --format json");
    refused({"run", "--scenario", "r1", "--search", "bound", "--shard", "1/2", "--format", "json"},
            "--shard splits a random, PCT or dpor search");
    refused({"run", "--scenario", "r1", "--search", "dpor", "--split-depth", "0"},
            "--split-depth must be from 1 to 4096");
    refused({"run", "--scenario", "r1", "--search", "random", "--split-depth", "8"},
            "--split-depth splits the dpor search's tree");
    refused({"run", "--scenario", "r1", "--search", "dpor", "--jobs", "65"},
            "--jobs must be from 0");
    refused({"run", "--scenario", "r1", "--search", "pct", "--jobs", "2"},
            "--jobs shares one dpor tree");
    refused({"run", "--scenario", "r1", "--search", "dpor", "--jobs", "2", "--shard", "1/2",
             "--format", "json"},
            "--jobs and --shard do not go together");
    refused({"verify", "--split-depth", "5000"}, "--split-depth must be from 1 to 4096");
    refused({"replay", "not-a-token!"}, "bad replay token");
    refused({"replay", "AQEAEAECAAG_yLbJ6PaTjaMBzyQ"}, "checksum");
    refused({"replay", "AQEAEAECAAG_xLbJ6PaTjaMBzyR"}, "last character");
    refused({"replay", "AQEAEAECAAG_xLbJ6PaTjaMBzyQ", "--repeat", "0"}, "--repeat must be 1");
    refused({"replay", "AQEAEAECAAG_xLbJ6PaTjaMBzyQ", "--format", "html", "--relacy-history"},
            "--relacy-history");
    refused({"verify", "--format", "xml"}, "not a format of verify");
    refused({"verify", "--format", "html"}, "--format html draws one execution");
    refused({"verify", "--bound", "0"}, "--bound must be 1 or more");
    refused({"verify", "--jobs", "-2"}, "--jobs must be 0");
    refused({"verify", "--shard", "0/0", "--format", "json"}, "0/0");
    refused({"diff", "AAAA"}, "bad replay token");
    refused({"bisect", "--max-seconds", "-3"}, "--max-seconds must not be negative");
    refused({"merge"}, "files is required");
}

TEST_CASE("replay --relacy-history goes with text and json")
{
    command_line cl;
    REQUIRE(parse({"replay", "AgEAEAECAAGWu-Xj64SMi80BvFo", "--format", "json", "--relacy-history",
                   "--repeat", "3"},
                  cl)
                .status < 0);
    CHECK(cl.replay.raw);
    CHECK(cl.replay.format == "json");
}

TEST_CASE("a budget of 1e9 s or more, or inf, is no limit; nan is refused")
{
    command_line cl;
    for (const char *v : {"inf", "1e10", "1e400", "infinity"}) {
        INFO(v);
        REQUIRE(parse({"run", "--scenario", "r1", "--max-seconds", v}, cl).status < 0);
        CHECK(cl.run.seconds == 0);
        REQUIRE(parse({"verify", "--max-seconds", v}, cl).status < 0);
        CHECK(cl.verify.seconds == 0);
        REQUIRE(parse({"bisect", "--max-seconds", v}, cl).status < 0);
        CHECK(cl.bisect.seconds == 0);
        REQUIRE(parse({"bench", "--find-seconds", v, "--verify-seconds", v}, cl).status < 0);
        CHECK(cl.bench.options.find_seconds == 0);
        CHECK(cl.bench.options.verify_seconds == 0);
    }
    REQUIRE(parse({"run", "--scenario", "r1", "--max-seconds", "1e8"}, cl).status < 0);
    CHECK(cl.run.seconds == 1e8);
    refused({"run", "--scenario", "r1", "--max-seconds", "nan"}, "--max-seconds takes a number");
    refused({"run", "--scenario", "r1", "--max-seconds", "-nan"}, "--max-seconds");
    refused({"verify", "--max-seconds", "nan"}, "not nan");
    refused({"bisect", "--max-seconds", "NaN"}, "not nan");
    refused({"bench", "--find-seconds", "nan"}, "--find-seconds");
    refused({"bench", "--verify-seconds", "nan"}, "--verify-seconds");
    refused({"bench", "--rate-seconds", "nan"}, "--rate-seconds");
    refused({"bench", "--rate-seconds", "inf"}, "--rate-seconds is how long");
}

TEST_CASE("no silent clamps or defaults: out of range, empty, or not used by the search")
{
    refused({"run", "--scenario", "r1", "--seed", "99999999999999999999999"}, "out of range");
    refused({"run", "--scenario", "r1", "--seed", "0x10"}, "not a whole number");
    refused({"run", "--scenario", "r1", "--max-executions", "18446744073709551616"},
            "out of range");
    refused({"run", "--scenario", "r1", "--max-executions", "0"},
            "--max-executions must be 1 or more");
    refused({"run", "--scenario", "r1", "--shrink-seconds", "0"},
            "--shrink-seconds must be more than 0 (--no-shrink turns shrinking off)");
    refused({"run", "--scenario", "r1", "--shrink-seconds", "nan"}, "not nan");
    refused({"run", "--scenario", "r1", "--shrink-seconds", "-2"}, "must not be negative");
    refused({"run", "--scenario", "r1", "--shrink-executions", "0"},
            "--shrink-executions must be 1 or more");
    refused({"run", "--scenario", "r1", "--shrink-executions", "99999999999999999999"},
            "out of range");
    refused({"verify", "--max-executions", "99999999999999999999"}, "out of range");
    refused({"bench", "--seeds", "99999999999"}, "out of range");
    refused({"bench", "--replays", "0"}, "--replays must be 1 or more");
    refused({"run", "--scenario", "r1", "--model", ""}, "--model needs a model version");
    refused({"verify", "--model", ""}, "--model needs a model version");
    refused({"run", "--scenario", "r1", "--depth", "2"}, "--depth is for the PCT search");
    refused({"run", "--scenario", "r1", "--search", "random", "--depth", "2"},
            "--depth is for the PCT search");
    refused({"run", "--scenario", "r1", "--search", "dpor", "--seed", "2"},
            "--seed is for the random and PCT searches");
    refused({"run", "--scenario", "r1", "--search", "pct", "--bound", "2"},
            "--bound is for the bound and dpor searches");
    command_line cl;
    REQUIRE(parse({"run", "--scenario", "r1", "--search", "pct", "--depth", "2", "--seed",
                   "18446744073709551615"},
                  cl)
                .status < 0);
    CHECK(cl.run.seed == 18446744073709551615ull);
    CHECK(cl.run.seed_given);
    CHECK(cl.run.depth_given);
}

TEST_CASE("an --until name is held to the token's rule for a function name")
{
    refused({"run", "--scenario", "r1", "--until", "io_worker exit"}, "--until takes");
    refused({"run", "--scenario", "r1", "--until", std::string(65, 'f').c_str()}, "--until takes");
    refused({"run", "--scenario", "r1", "--until", ""}, "--until takes");
    refused({"run", "--scenario", "r1", "--until", "io-worker"}, "--until takes");
    command_line cl;
    std::string longest(64, 'f');
    REQUIRE(parse({"run", "--scenario", "r1", "--until", longest.c_str()}, cl).status < 0);
    CHECK(cl.run.until == longest);
    // One rule, the token's: what the command line accepts, a token carries and gives back.
    CHECK(is_until_name(longest));
    CHECK_FALSE(is_until_name(std::string(65, 'f')));
    CHECK_FALSE(is_until_name(""));
    CHECK_FALSE(is_until_name("io-worker"));
    replay_spec spec;
    spec.until = longest;
    std::string error;
    std::optional<replay_spec> back = decode_token(encode_token(spec), error);
    REQUIRE(back);
    CHECK(back->until == longest);
}

TEST_CASE("the conventions: --version, help COMMAND, did you mean, --color")
{
    command_line cl;
    parse_outcome p = parse({"--version"}, cl);
    CHECK(p.status == 0);
    CHECK(p.out.rfind("iowq-check ", 0) == 0);
    p = parse({"help", "run"}, cl);
    CHECK(p.status == 0);
    CHECK(p.out == parse({"run", "--help"}, cl).out);
    p = parse({"help"}, cl);
    CHECK(p.status == 0);
    CHECK(p.out == parse({"--help"}, cl).out);
    refused({"help", "frobnicate"}, "unknown command 'frobnicate'");
    refused({"help", "run", "verify"}, "help takes one command");
    refused({"rnu"}, "did you mean 'run'");
    refused({"run", "--scenario", "r1", "--sead", "3"}, "did you mean '--seed'");
    refused({"run", "--scenario", "r1", "--search", "rnadom"}, "did you mean 'random'");
    refused({"run", "--scenario", "r1", "--color", "sometimes"}, "--color");
    REQUIRE(parse({"--color", "never", "run", "--scenario", "r1"}, cl).status < 0);
    CHECK(cl.color == "never");
    REQUIRE(parse({"run", "--scenario", "r1", "--color", "always"}, cl).status < 0);
    CHECK(cl.color == "always");
    // verify's help offers the formats it has.
    p = parse({"verify", "--help"}, cl);
    CHECK(p.out.find("html") == std::string::npos);
    CHECK(did_you_mean("pached", {"buggy", "patched", "parent"}) == " (did you mean 'patched'?)");
    CHECK(did_you_mean("xyzzy", {"buggy", "patched", "parent"}).empty());
}

TEST_CASE("a random search's token names its generator seed and its stay")
{
    std::string error;
    // The uniform walk's token (generator 1) has no stay in it.
    auto old = decode_token("AgEAEAECAAGWu-Xj64SMi80BvFo", error);
    REQUIRE(old);
    CHECK(old->gen == 1);
    CHECK(old->stay == 0);
    // A token of version 1 (before plain read-modify-writes were split) is refused.
    CHECK_FALSE(decode_token("AQEAEAECAAG_xLbJ6PaTjaMBzyQ", error));
    CHECK(error.find("token version 1") != std::string::npos);

    replay_spec s;
    s.scenario = 1;
    s.gen = 4;
    s.gen_seed = 0x1234567890abcdefull;
    s.stay = 80;
    auto back = decode_token(encode_token(s), error);
    REQUIRE(back);
    CHECK(back->gen == 4);
    CHECK(back->gen_seed == s.gen_seed);
    CHECK(back->stay == 80);

    // Generator 3, the walk that could stay between a read-modify-write's halves, is refused
    // with the reason (its seed would name another schedule).
    s.gen = 3;
    CHECK_FALSE(decode_token(encode_token(s), error));
    CHECK(error.find("older iowq-check") != std::string::npos);
    s.gen = 4;

    // Stay 0 is generator 1 and 100 never preempts: neither is a generator-4 token.
    for (std::uint8_t bad : {0, 100}) {
        s.stay = bad;
        INFO("stay " << int(bad));
        CHECK_FALSE(decode_token(encode_token(s), error));
        CHECK(error.find("generator") != std::string::npos);
    }
}

TEST_CASE("a token carries a fault budget only where there is one", "[token]")
{
    std::string error;
    replay_spec s;
    s.scenario = 10;
    s.nodes = 2;
    s.script.threads = {{3, 1}};
    s.script.rands = {{0, 1}};
    std::string without = encode_token(s);
    s.faults = 1;
    std::string with = encode_token(s);
    CHECK(with != without);
    auto back = decode_token(with, error);
    REQUIRE(back);
    CHECK(back->faults == 1);
    CHECK(back->nodes == 2);
    CHECK(back->script.rands == s.script.rands);
    auto none = decode_token(without, error);
    REQUIRE(none);
    CHECK(none->faults == 0);
    // An impossible budget (more than 8 failures an execution) is refused.
    s.faults = 9;
    CHECK_FALSE(decode_token(encode_token(s), error));
    CHECK(error.find("fault budget") != std::string::npos);
}

TEST_CASE("a token carries the kernel's preemption model, and --preempt takes full or none",
          "[token]")
{
    std::string error;
    replay_spec s;
    s.scenario = 11;
    s.script.threads = {{3, 1}};
    std::string full = encode_token(s);
    s.preempt_none = true;
    std::string none = encode_token(s);
    CHECK(none != full);
    auto back = decode_token(none, error);
    REQUIRE(back);
    CHECK(back->preempt_none);
    auto back_full = decode_token(full, error);
    REQUIRE(back_full);
    CHECK_FALSE(back_full->preempt_none);

    command_line cl;
    REQUIRE(parse({"run", "--scenario", "r11", "--preempt", "none"}, cl).status < 0);
    CHECK(cl.run.preempt == "none");
    REQUIRE(parse({"run", "--scenario", "r11"}, cl).status < 0);
    CHECK(cl.run.preempt == "full");
    refused({"run", "--scenario", "r11", "--preempt", "voluntary"}, "--preempt");
    refused({"run", "--scenario", "r11", "--preempt", ""}, "--preempt");
}

TEST_CASE("progress: --progress auto draws on a terminal unless TERM is dumb; always logs; never")
{
    CHECK(progress_style_for("auto", true, "xterm") == progress_style::line);
    CHECK(progress_style_for("auto", true, nullptr) == progress_style::line);
    CHECK(progress_style_for("auto", true, "dumb") == progress_style::none);
    CHECK(progress_style_for("auto", false, "xterm") == progress_style::none);
    CHECK(progress_style_for("always", false, "dumb") == progress_style::log);
    CHECK(progress_style_for("never", true, "xterm") == progress_style::none);
    CHECK(progress_interval_ms(progress_style::line, nullptr) == 250);
    CHECK(progress_interval_ms(progress_style::log, nullptr) == 10000);
    CHECK(progress_interval_ms(progress_style::log, "0") == 0);
    CHECK(progress_interval_ms(progress_style::log, "1500") == 1500);
    CHECK(progress_interval_ms(progress_style::log, "soon") == 10000);  // not a number: ignored
    command_line cl;
    REQUIRE(parse({"--progress", "always", "run", "--scenario", "r1"}, cl).status < 0);
    CHECK(cl.progress == "always");
    REQUIRE(parse({"verify", "--progress", "never"}, cl).status < 0);
    CHECK(cl.progress == "never");
    refused({"run", "--scenario", "r1", "--progress", "sometimes"}, "--progress");
    refused({"--progress", "", "list"}, "--progress");
}

TEST_CASE("a progress line: executions, rate, branches left, elapsed and budget")
{
    progress_state p;
    p.what = "r3-enqueue-gets-exiting-worker";
    p.after = " on patched";
    p.executions = 20480;
    p.seconds = 2.048;
    p.pending = 37;
    p.max_seconds = 600;
    CHECK(progress_text(p) == "r3-enqueue-gets-exiting-worker on patched: 20480 executions, "
                              "10000/s, 37 branches left on its path, 2.0 s of 600 s");
    // random: of the executions asked for, or of the budget if it is smaller.
    p.pending = -1;
    p.iterations = 400000;
    p.max_seconds = 0;
    CHECK(progress_text(p) == "r3-enqueue-gets-exiting-worker on patched: 20480 executions of "
                              "400000, 10000/s, 2.0 s");
    p.max_executions = 30000;
    CHECK(progress_text(p).find(" of 30000, ") != std::string::npos);
    // verify's parent: scenarios, not executions.
    progress_state v;
    v.what = "verify patched";
    v.done = 3;
    v.total = 11;
    v.seconds = 45.25;
    v.max_seconds = 30;
    v.under_way = "r4, r6";
    CHECK(progress_text(v) == "verify patched: 3/11 scenarios searched, 45.2 s elapsed (at most "
                              "30 s a scenario); searching r4, r6");
    // Cut to the buffer, and terminated.
    char small[12];
    CHECK(progress_format(small, sizeof small, p) == 11);
    CHECK(std::string(small) == "r3-enqueue-");
}

TEST_CASE("replay --repeat has a budget: --max-seconds, 600 by default")
{
    std::string token = "AggAAAECAAAAh_Y";
    command_line cl;
    REQUIRE(parse({"replay", token.c_str(), "--repeat", "5"}, cl).status < 0);
    CHECK(cl.replay.seconds == 600);
    REQUIRE(parse({"replay", token.c_str(), "--repeat", "5", "--max-seconds", "inf"}, cl).status <
            0);
    CHECK(cl.replay.seconds == 0);
    refused({"replay", token.c_str(), "--max-seconds", "nan"}, "not nan");
    refused({"replay", token.c_str(), "--max-seconds", "-1"}, "must not be negative");
}
