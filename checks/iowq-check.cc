// iowq-check: the checker's command line. Until the io-wq model and its scenarios land, it runs
// the primitives' litmus test that the whole project rests on, and prints its verdicts.
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "checks/report.h"
#include "checks/runner.h"
#include "checks/litmus-lookup-vs-free.h"

namespace {

struct row {
    const char *label;
    iowq::run_result r;
    const char *expected;
};

std::string how(const iowq::run_result &r)
{
    if (r.v == iowq::verdict::found)
        return fmt::format("found in execution {} of the full search", r.executions);
    if (r.complete)
        return fmt::format("full search complete: {} executions", r.executions);
    return fmt::format("{} executions, search incomplete", r.executions);
}

int demo()
{
    using namespace iowq;
    using namespace iowq::litmus;
    run_options o;
    o.strategy = search::full;

    std::printf("iowq-check demo: the litmus test under io-wq's worker lookup (R3 in the notes)\n"
                "lookup: refcount_inc_not_zero() on a published object; release: unpublish, "
                "last put frees\n\n");
    row rows[] = {
        {"kfree, no RCU", run<lookup_vs_free>(o),
         "KASAN: use-after-free Read in refcount_inc_not_zero"},
        {"rcu_read_lock + kfree_rcu", run<lookup_vs_free_rcu>(o), "clean"},
        {"pointer read before rcu_read_lock", run<lookup_outside_rcu>(o),
         "KASAN: use-after-free Read in refcount_inc_not_zero"},
    };
    bool as_expected = true;
    for (const row &x : rows) {
        std::string v = verdict_text(x.r);
        bool ok = v == x.expected;
        as_expected &= ok;
        std::printf("  %-34s %-52s [%s]%s\n", x.label, v.c_str(), how(x.r).c_str(),
                    ok ? "" : "  UNEXPECTED");
    }
    const run_result &first = rows[0].r;
    if (!first.record.findings.empty())
        std::printf("\n%s", format_finding(first.record, first.record.findings.front()).c_str());
    std::printf("\n%s\n", as_expected ? "every verdict is the expected one"
                                      : "a verdict differs from the expected one");
    return as_expected ? 0 : 1;
}

void usage(std::FILE *to)
{
    std::fprintf(to, "usage: iowq-check          run the demo\n"
                     "       iowq-check --help   this text\n");
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc == 1)
        return demo();
    std::string_view a = argv[1];
    if (argc == 2 && (a == "--help" || a == "-h")) {
        usage(stdout);
        return 0;
    }
    std::fprintf(stderr, "iowq-check: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
