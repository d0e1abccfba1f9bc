// iowq-check: search io-wq's interleavings for lifecycle bugs, print them in kernel terms, and
// replay them.
//
// Exit status: 0 nothing found in what was searched, 1 a violation found, 2 usage or input
// error (an output that could not be written included), 3 the budget ran out before the search
// was complete; 4 only from replay --repeat, when a replay did not print what the first one did
// (the checker's own failure). SIGINT or SIGTERM stops it, and it dies of that signal (a shell's
// status 130 or 143).
#include <fcntl.h>
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

// With no arguments: search until refcount_inc_not_zero() runs on a freed worker (R12 on buggy),
// show it, run its schedule on the fixed model, verify patched. Exits 0 if all of that came
// out as the scenarios pin it.
int cmd_demo()
{
    const scenario_info &s = scenario_or_die("r12-enqueue-gets-freed-worker");
    std::printf("==== 1. R12 on buggy (24369c2e3bb0): search ====\n\n");
    std::fflush(stdout);
    // The schedule shown is shrunk within an execution budget (no time cap), so that the demo
    // prints the same on every machine.
    check_options o;
    o.shrink_seconds = no_limit_seconds;
    o.shrink_executions = default_shrink_executions;
    check_outcome c = check(s, model_or_die("buggy"), o);
    print_search_summary(c);
    std::printf("%s", text_report(report_for(c, color_out())).c_str());
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

}  // namespace iowq::cli

namespace {

using namespace iowq::cli;

// Standard output closed (`>&-`): nothing could be written, and the first file opened would
// take its number and receive the output. Standard input or error closed: /dev/null takes
// their place, so that no file of ours becomes them.
void check_std_fds()
{
    for (int fd : {STDIN_FILENO, STDERR_FILENO})
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int nul = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
            if (nul >= 0 && nul != fd) {
                dup2(nul, fd);
                close(nul);
            }
        }
    if (fcntl(STDOUT_FILENO, F_GETFD) < 0 && errno == EBADF) {
        std::fprintf(stderr, "iowq-check: standard output is closed: there is nowhere to write "
                             "the output\n");
        std::exit(exit_usage);
    }
}

// The output could not be all written (a full disk, /dev/full, a closed pipe's EPIPE with
// SIGPIPE ignored): exit 2 with a message, whatever the command found.
int finish_output(int status)
{
    errno = 0;
    bool flushed = std::fflush(stdout) == 0;
    int err = errno;
    if (flushed && !std::ferror(stdout))
        return status;
    std::fprintf(stderr, "iowq-check: could not write the output to standard output%s%s\n",
                 err ? ": " : "", err ? std::strerror(err) : "");
    return exit_usage;
}

int run_command(const command_line &cl)
{
    switch (cl.cmd) {
    case command::demo:
        return cmd_demo();
    case command::list:
        return cmd_list();
    case command::run:
        return cmd_run(cl.run);
    case command::replay:
        return cmd_replay(cl.replay.token, cl.replay.format, cl.replay.raw, cl.replay.repeat,
                          cl.replay.seconds);
    case command::verify:
        return cmd_verify(cl.verify.model, cl.verify.bound, cl.verify.seconds, cl.verify.executions,
                          cl.verify.format, cl.verify.shard, static_cast<unsigned>(cl.verify.jobs),
                          static_cast<unsigned>(cl.verify.split_depth.value_or(0)));
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
        progress_label("bench: ", "");
        return run_bench(bo);
    }
    }
    return exit_usage;
}

}  // namespace

int main(int argc, char **argv)
{
    check_std_fds();
    install_interrupt_handlers();
    command_line cl;
    parse_outcome p = parse_command_line(argc, argv, cl);
    if (p.status >= 0) {
        std::fputs(p.out.c_str(), stdout);
        std::fputs(p.err.c_str(), stderr);
        return finish_output(p.status);
    }
    set_color(cl.color);
    set_progress(cl.progress);
    set_model_sites(cl.model_sites);
    set_view(cl.view == "story" ? schedule_detail::story : schedule_detail::full);
    return finish_output(run_command(cl));
}
