// slab.h and its KASAN-like shadow: use-after-free, double and invalid free, leaks,
// uninitialised reads, and what a report says.
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/model/run.h"
#include "model/linux/rcupdate.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

namespace {

struct thing {
    model_var<int> a;
    model_var<long> b;
    struct rcu_head rcu;
};

template <int which>
struct misuse : litmus_test<"user"> {
    static void use_after_free()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        kfree(t);
        t->b = 1;
    }
    static void double_free()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        kfree(t);
        kfree(t);
    }
    static void free_rcu_then_free()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        rcu_read_lock();
        kfree_rcu(t, rcu);
        kfree(t);
        rcu_read_unlock();
    }
    static void invalid_free()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        kfree(&t->b);
        kfree(t);
    }
    static void leak()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        t->a = 1;
    }
    static void uninit_read()
    {
        MODEL_FRAME();
        thing *t = kmalloc(sizeof(thing), GFP_KERNEL);
        int v = t->a;
        t->b = v;
        kfree(t);
    }
    static void two_bad_accesses()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        kfree(t);
        t->a = 1;
        t->b = 2;
    }
    static void zeroed_read()
    {
        MODEL_FRAME();
        thing *t = kzalloc(sizeof(thing), GFP_KERNEL);
        int v = t->a;
        t->b = v;
        thing *arr = kcalloc(3, sizeof(thing), GFP_KERNEL);
        arr[2].b = arr[1].a;
        kfree(arr);
        kfree(t);
    }
    void task(int)
    {
        switch (which) {
        case 0:
            use_after_free();
            break;
        case 1:
            double_free();
            break;
        case 2:
            free_rcu_then_free();
            break;
        case 3:
            invalid_free();
            break;
        case 4:
            leak();
            break;
        case 5:
            uninit_read();
            break;
        case 7:
            two_bad_accesses();
            break;
        default:
            zeroed_read();
            break;
        }
    }
};

}  // namespace

TEST_CASE("a write through a freed pointer is a KASAN use-after-free", "[slab][kasan]")
{
    run_result r =
        run_requiring<misuse<0>>(full(), "KASAN: use-after-free Write in use_after_free");
    const auto &f = r.record.findings[0];
    CHECK(f.size == sizeof(long));
    CHECK(f.is_write);
    // The report names the access, the object and its offset, and both call chains.
    std::string report = format_finding(r.record, f);
    CHECK(report.find("BUG: KASAN: use-after-free in use_after_free\n"
                      "Write of size 8 at addr ") != std::string::npos);
    CHECK(report.find("by task user/2\n") != std::string::npos);
    CHECK(report.find("Allocated by task user/2:\n kzalloc\n use_after_free\n") !=
          std::string::npos);
    CHECK(report.find("Freed by task user/2:\n kfree\n use_after_free\n") != std::string::npos);
    CHECK(report.find("which belongs to struct {anonymous}::thing of size") != std::string::npos);
    CHECK(report.find(fmt::format("The buggy address is located {} bytes inside of",
                                  offsetof(thing, b))) != std::string::npos);
}

TEST_CASE("freeing twice is a KASAN double-free", "[slab][kasan]")
{
    CHECK(verdict_of(run<misuse<1>>(full())) ==
          "KASAN: double-free or invalid-free in double_free");
    CHECK(verdict_of(run<misuse<2>>(full())) ==
          "KASAN: double-free or invalid-free in free_rcu_then_free");
}

TEST_CASE("freeing a pointer into the middle of an object is an invalid free", "[slab][kasan]")
{
    run_result r =
        run_requiring<misuse<3>>(full(), "KASAN: double-free or invalid-free in invalid_free");
    CHECK(static_cast<model::rt::kasan_bug>(r.record.findings[0].sub) ==
          model::rt::kasan_bug::invalid_free);
}

TEST_CASE("an object still allocated at the end of the execution is a leak", "[slab]")
{
    run_result r = run_requiring<misuse<4>>(full(), "memory leak in leak");
    std::string report = format_finding(r.record, r.record.findings[0]);
    CHECK(report.find("unreferenced object 0xffff888") != std::string::npos);
    CHECK(report.find("comm \"user\", pid 2") != std::string::npos);
}

TEST_CASE("kmalloc leaves fields uninitialised, kzalloc and kcalloc zero them", "[slab]")
{
    CHECK(verdict_of(run<misuse<5>>(full())) == "uninit-value in uninit_read");
    CHECK(verdict_of(run<misuse<6>>(full())) == "clean");
}

TEST_CASE("multi-shot KASAN reports every bad access and lets the execution go on", "[slab][kasan]")
{
    run_result r = run_requiring<misuse<7>>(full_multi_shot(),
                                            "KASAN: use-after-free Write in two_bad_accesses");
    REQUIRE(r.record.findings.size() == 2);
    CHECK(r.record.findings[1].addr - r.record.findings[0].addr == offsetof(thing, b));

    // Without multi-shot the first report ends the search.
    CHECK(run<misuse<7>>(full()).record.findings.size() == 1);
}
