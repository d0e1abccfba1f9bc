// spinlock.h: mutual exclusion, the happens-before it gives plain data, and lockdep-style checks.
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/sched.h"
#include "model/linux/spinlock.h"

using namespace iowq;
using namespace iowq::test;

namespace {

template <bool locked>
struct counter : litmus_test<"inc-a", "inc-b"> {
    spinlock_t lock;
    model_var<int> count;
    static inline int final_count = 0;
    static void bump(counter *l)
    {
        MODEL_FRAME();
        if (locked)
            spin_lock_irq(&l->lock);
        l->count = l->count + 1;
        if (locked)
            spin_unlock_irq(&l->lock);
    }
    void setup()
    {
        spin_lock_init(&lock);
        count = 0;
    }
    void task(int) { bump(this); }
    void teardown() { final_count = count; }
};

struct must_hold_violated : litmus_test<"user"> {
    spinlock_t lock;
    static void needs_lock(spinlock_t *lock)
    {
        MODEL_FRAME();
        __must_hold(*lock);
    }
    void setup() { spin_lock_init(&lock); }
    void task(int) { needs_lock(&lock); }
};

struct sleeps_with_lock : litmus_test<"user"> {
    spinlock_t lock;
    static void sleeper(spinlock_t *lock)
    {
        MODEL_FRAME();
        spin_lock(lock);
        set_current_state(TASK_INTERRUPTIBLE);
        schedule_timeout(HZ);
        spin_unlock(lock);
    }
    void setup() { spin_lock_init(&lock); }
    void task(int) { sleeper(&lock); }
};

// Two locks taken in opposite orders: the classic ABBA deadlock is a hang.
struct abba : litmus_test<"ab", "ba"> {
    spinlock_t a, b;
    static void take(spinlock_t *first, spinlock_t *second)
    {
        MODEL_FRAME();
        spin_lock(first);
        spin_lock(second);
        spin_unlock(second);
        spin_unlock(first);
    }
    void setup()
    {
        spin_lock_init(&a);
        spin_lock_init(&b);
    }
    void task(int i) { i == 0 ? take(&a, &b) : take(&b, &a); }
};

}  // namespace

TEST_CASE("a spinlock makes increments atomic and the data under it race-free", "[spinlock]")
{
    run_clean_complete<counter<true>>(full());
    CHECK(counter<true>::final_count == 2);
}

TEST_CASE("the same increments without the lock are a data race", "[spinlock]")
{
    run_result r = run<counter<false>>(full());
    CHECK(verdict_of(r) == "KCSAN: data-race in bump / bump");
}

TEST_CASE("__must_hold without the lock is reported", "[spinlock]")
{
    run_result r =
        run_requiring<must_hold_violated>(full(), "WARNING: lock not held in needs_lock");
    CHECK(std::string(r.record.findings[0].object) == "&lock");
}

TEST_CASE("sleeping with a spinlock held is scheduling while atomic", "[spinlock][sched]")
{
    run_result r = run<sleeps_with_lock>(full());
    CHECK(verdict_of(r) == "BUG: scheduling while atomic in sleeper");
}

TEST_CASE("locks taken in opposite orders deadlock", "[spinlock]")
{
    run_result r = run_requiring<abba>(full(), "INFO: task hung in take");
    std::string report = format_finding(r.record, r.record.findings[0]);
    INFO(report);
    // The hang report says which lock each task spins on and who holds it.
    CHECK(report.find("waits in &b (held by ba/3) holding &a") != std::string::npos);
    CHECK(report.find("waits in &a (held by ab/2) holding &b") != std::string::npos);
}
