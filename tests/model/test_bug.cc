// bug.h: WARN_ON, WARN_ON_ONCE and BUG_ON as findings with their call chains.
#include <string>

#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/bug.h"

using namespace iowq;
using namespace iowq::test;

namespace {

template <bool once>
struct warns_three_times : litmus_test<"user"> {
    static void check(int x)
    {
        MODEL_FRAME();
        if (once)
            WARN_ON_ONCE(x > 0);
        else
            WARN_ON(x > 0);
    }
    static void caller()
    {
        MODEL_FRAME();
        for (int i = 1; i <= 3; i++)
            check(i);
    }
    void task(int) { caller(); }
};

struct bugs : litmus_test<"user"> {
    static void oops(int x)
    {
        MODEL_FRAME();
        BUG_ON(x == 1);
    }
    void task(int) { oops(1); }
};

}  // namespace

TEST_CASE("WARN_ON reports with the call chain and lets the task go on", "[bug]")
{
    run_result r = run_requiring<warns_three_times<false>>(full_multi_shot(), "WARNING in check");
    CHECK(r.record.findings.size() == 3);
    const auto &f = r.record.findings[0];
    CHECK(std::string(f.what) == "x > 0");
    CHECK(f.chain.depth == 2);
    CHECK(std::string(f.chain.frame[0]) == "caller");
    std::string report = format_finding(r.record, f);
    CHECK(report.find("WARNING: CPU: 0 PID: 2 at ") != std::string::npos);
    CHECK(report.find("Call Trace:\n check\n caller\n") != std::string::npos);
}

TEST_CASE("WARN_ON_ONCE reports once per execution", "[bug]")
{
    run_result r = run_requiring<warns_three_times<true>>(full_multi_shot(), "WARNING in check");
    CHECK(r.record.findings.size() == 1);
}

TEST_CASE("BUG_ON is an oops", "[bug]")
{
    run_result r = run_requiring<bugs>(full(), "kernel BUG in oops");
    CHECK(r.record.findings[0].fatal);
}
