// sched.h: the sleep/wake protocol, the io-wq scheduler hooks, timeouts and signals.
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/bug.h"
#include "model/linux/sched.h"

using namespace iowq;
using namespace iowq::test;

namespace {

// The waiter tests the condition before it sets its state: a wake that lands in between is
// lost, and the waiter sleeps forever.
struct wake_before_set_state : litmus_test<"waiter", "waker"> {
    model_shared<int> cond;
    static void waiter(wake_before_set_state *l)
    {
        MODEL_FRAME();
        if (!READ_ONCE(l->cond)) {
            set_current_state(TASK_INTERRUPTIBLE);
            schedule();
        }
    }
    static void waker(wake_before_set_state *l)
    {
        MODEL_FRAME();
        WRITE_ONCE(l->cond, 1);
        wake_up_process(task_of(0));
    }
    void task(int i) { i == 0 ? waiter(this) : waker(this); }
};

// The kernel's order: set the state, then test the condition, then sleep.
struct kernel_order : wake_before_set_state {
    static void waiter(kernel_order *l)
    {
        MODEL_FRAME();
        set_current_state(TASK_INTERRUPTIBLE);
        if (!READ_ONCE(l->cond))
            schedule();
        __set_current_state(TASK_RUNNING);
    }
    void task(int i) { i == 0 ? waiter(this) : waker(this); }
};

}  // namespace

TEST_CASE("a wake before set_current_state is lost: the waiter hangs", "[sched]")
{
    run_result r = run_requiring<wake_before_set_state>(full(), "INFO: task hung in waiter");
    CHECK(r.record.findings[0].kind == model::rt::finding_kind::hang);
}

TEST_CASE("set_current_state, test, schedule: no wake is lost", "[sched]")
{
    run_clean_complete<kernel_order>(full());
}

namespace {

// A PF_IO_WORKER task: the scheduler calls the io-wq hooks around its sleep.
int hook_log[8];
int hook_count;

struct hooked_sleep : litmus_test<"worker", "waker"> {
    model_shared<int> cond;
    static inline int slept_and_hooked = 0, woke_early = 0;
    static void worker(hooked_sleep *l)
    {
        MODEL_FRAME();
        current->flags |= PF_IO_WORKER;
        set_current_state(TASK_INTERRUPTIBLE);
        if (!READ_ONCE(l->cond))
            schedule();
        __set_current_state(TASK_RUNNING);
        current->flags &= ~PF_IO_WORKER;
    }
    static void waker(hooked_sleep *l)
    {
        MODEL_FRAME();
        WRITE_ONCE(l->cond, 1);
        wake_up_process(task_of(0));
    }
    void setup() { hook_count = 0; }
    void task(int i) { i == 0 ? worker(this) : waker(this); }
    void teardown()
    {
        // Either the worker never called schedule() (no hook), or the sleeping hook ran
        // before the running hook, once each; or schedule() found it already woken, and only
        // the running hook ran.
        if (hook_count == 2 && hook_log[0] == 's' && hook_log[1] == 'r')
            slept_and_hooked++;
        else if (hook_count == 1 && hook_log[0] == 'r')
            woke_early++;
        else if (hook_count != 0)
            WARN(1, "io-wq hooks called in the wrong order");
    }
};

}  // namespace

// The test binary provides the hooks io-wq would: they record what the scheduler called.
void io_wq_worker_sleeping(struct task_struct *)
{
    if (hook_count < 8)
        hook_log[hook_count++] = 's';
}

void io_wq_worker_running(struct task_struct *)
{
    if (hook_count < 8)
        hook_log[hook_count++] = 'r';
}

TEST_CASE("schedule() of a PF_IO_WORKER calls io_wq_worker_sleeping, then _running", "[sched]")
{
    hooked_sleep::slept_and_hooked = hooked_sleep::woke_early = 0;
    run_result r = run<hooked_sleep>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK(hooked_sleep::slept_and_hooked > 0);
    CHECK(hooked_sleep::woke_early > 0);
}

namespace {

// schedule_timeout(): a task nobody wakes gets 0 (its timer fired); one that is woken may
// get either, depending on whether the wake or the timer came first.
struct timeout_or_wake : litmus_test<"sleeper", "waker"> {
    static inline bool saw_timeout = false, saw_wake = false;
    long ret = -1;
    static void sleeper(timeout_or_wake *l)
    {
        MODEL_FRAME();
        set_current_state(TASK_INTERRUPTIBLE);
        l->ret = schedule_timeout(5 * HZ);
    }
    static void waker(timeout_or_wake *) { wake_up_process(task_of(0)); }
    void task(int i) { i == 0 ? sleeper(this) : waker(this); }
    void teardown() { (ret == 0 ? saw_timeout : saw_wake) = true; }
};

struct timeout_alone : litmus_test<"sleeper"> {
    static inline long ret = -1;
    void task(int)
    {
        set_current_state(TASK_INTERRUPTIBLE);
        ret = schedule_timeout(HZ);
    }
};

// A sleeper without a timeout that nobody wakes is a hang, not a timeout.
struct sleep_forever : litmus_test<"sleeper"> {
    static void sleeper()
    {
        MODEL_FRAME();
        set_current_state(TASK_UNINTERRUPTIBLE);
        schedule();
    }
    void task(int) { sleeper(); }
};

}  // namespace

TEST_CASE("schedule_timeout: the timer fires or a wake comes first, and both are explored",
          "[sched]")
{
    timeout_or_wake::saw_timeout = timeout_or_wake::saw_wake = false;
    run_result r = run<timeout_or_wake>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK(timeout_or_wake::saw_timeout);
    CHECK(timeout_or_wake::saw_wake);

    run_result alone = run<timeout_alone>(full());
    CHECK(verdict_of(alone) == "clean");
    CHECK(timeout_alone::ret == 0);

    run_result forever = run<sleep_forever>(full());
    CHECK(verdict_of(forever) == "INFO: task hung in sleeper");
}

namespace {

// send_sig() wakes an interruptible sleeper; a kernel thread ignores signals it did not allow.
struct signal_wakes : litmus_test<"sleeper", "sender"> {
    static inline bool saw_pending = false;
    static void sleeper()
    {
        MODEL_FRAME();
        set_current_state(TASK_INTERRUPTIBLE);
        schedule();
        __set_current_state(TASK_RUNNING);
        if (signal_pending(current))
            saw_pending = true;
        flush_signals(current);
    }
    static void sender() { send_sig(SIGINT, task_of(0), 1); }
    void task(int i) { i == 0 ? sleeper() : sender(); }
};

}  // namespace

TEST_CASE("send_sig wakes an interruptible sleeper, which then sees the signal", "[sched]")
{
    signal_wakes::saw_pending = false;
    run_result r = run<signal_wakes>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK(signal_wakes::saw_pending);
}
