// refcount_t: the kernel's saturation semantics, and the lookup-versus-free race that RCU exists
// to make safe.
#include <string>

#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "checks/scenarios/litmus-lookup-vs-free.h"
#include "model/linux/rcupdate.h"
#include "model/linux/refcount.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

using namespace iowq::litmus;

TEST_CASE("refcount_inc_not_zero racing the final put and kfree is a use-after-free",
          "[refcount][kasan]")
{
    run_result r = run<lookup_vs_free>(full());
    // Titled by the caller, as the kernel's are: refcount_inc_not_zero is inlined into it.
    CHECK(verdict_of(r) == "KASAN: use-after-free Read in lookup");
}

TEST_CASE("the same lookup under rcu_read_lock with kfree_rcu is safe", "[refcount][rcu]")
{
    lookup_vs_free_rcu::got = lookup_vs_free_rcu::missed = 0;
    // The exhaustive search covered every interleaving of the two tasks: this many.
    run_result r = run_clean_complete<lookup_vs_free_rcu>(full());
    CHECK(r.executions == 256);
    // Not vacuous: the lookup both won and lost the race in what was explored.
    CHECK(lookup_vs_free_rcu::got > 0);
    CHECK(lookup_vs_free_rcu::missed > 0);
}

TEST_CASE("a reader that loads the pointer outside its read-side section is not protected",
          "[refcount][rcu][kasan]")
{
    run_result r = run<lookup_outside_rcu>(full());
    CHECK(verdict_of(r) == "KASAN: use-after-free Read in lookup");
}

namespace {

// refcount_inc() on a count that already dropped to zero.
struct inc_on_zero : litmus_test<"user"> {
    refcount_t ref;
    void setup() { refcount_set(&ref, 1); }
    static void get_after_put(refcount_t *r)
    {
        MODEL_FRAME();
        if (refcount_dec_and_test(r))
            refcount_inc(r);
    }
    void task(int) { get_after_put(&ref); }
};

// refcount_dec_and_test() once too often.
struct underflow : litmus_test<"user"> {
    refcount_t ref;
    void setup() { refcount_set(&ref, 1); }
    static void put_twice(refcount_t *r)
    {
        MODEL_FRAME();
        (void)refcount_dec_and_test(r);
        (void)refcount_dec_and_test(r);
    }
    void task(int) { put_twice(&ref); }
};

// refcount_dec() that drops the last reference (nobody can free the object).
struct dec_to_zero : litmus_test<"user"> {
    refcount_t ref;
    static inline unsigned int after = 0;
    void setup() { refcount_set(&ref, 1); }
    static void drop(refcount_t *r)
    {
        MODEL_FRAME();
        refcount_dec(r);
    }
    void task(int) { drop(&ref); }
    void teardown() { after = refcount_read(&ref); }
};

// refcount_inc_not_zero() on zero fails and says nothing.
struct inc_not_zero_on_zero : litmus_test<"user"> {
    refcount_t ref;
    static inline bool result = true;
    void setup() { refcount_set(&ref, 0); }
    void task(int) { result = refcount_inc_not_zero(&ref); }
};

}  // namespace

TEST_CASE("refcount_inc on 0 warns as refcount_warn_saturate does", "[refcount]")
{
    run_result r = run_requiring<inc_on_zero>(full(), "WARNING: refcount bug in get_after_put");
    CHECK(std::string(r.record.findings[0].what) == "refcount_t: addition on 0; use-after-free.");
}

TEST_CASE("a refcount underflow warns as refcount_warn_saturate does", "[refcount]")
{
    run_result r = run_requiring<underflow>(full(), "WARNING: refcount bug in put_twice");
    CHECK(std::string(r.record.findings[0].what) == "refcount_t: underflow; use-after-free.");
}

TEST_CASE("refcount_dec to 0 warns and leaves the count saturated", "[refcount]")
{
    run_result r = run_requiring<dec_to_zero>(full_multi_shot(), "WARNING: refcount bug in drop");
    CHECK(r.record.findings.size() == 1);
    CHECK(std::string(r.record.findings[0].what) == "refcount_t: decrement hit 0; leaking memory.");
    CHECK(static_cast<int>(dec_to_zero::after) == REFCOUNT_SATURATED);
}

TEST_CASE("refcount_inc_not_zero on 0 returns false and never warns", "[refcount]")
{
    run_result r = run<inc_not_zero_on_zero>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK_FALSE(inc_not_zero_on_zero::result);
}
