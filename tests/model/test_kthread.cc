// kthread.h: creation without running, kthread_stop() waiting for the thread function.
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/bug.h"
#include "model/linux/completion.h"
#include "model/linux/kthread.h"
#include "model/linux/sched.h"

using namespace iowq;
using namespace iowq::test;

namespace {

int loop_until_stopped(void *data)
{
    MODEL_FRAME();
    auto *finished = static_cast<model_shared<int> *>(data);
    while (!kthread_should_stop()) {
        set_current_state(TASK_INTERRUPTIBLE);
        if (!kthread_should_stop())
            schedule();
        __set_current_state(TASK_RUNNING);
    }
    WRITE_ONCE(*finished, 1);
    return 7;
}

// kthread_stop() returns only after the thread function has returned, with its value. If the
// stop bit is set before the woken thread first runs, kthread() skips the function and the
// result is -EINTR, as in kernel/kthread.c.
struct stop_waits : litmus_with_kthreads<1, "stopper"> {
    model_shared<int> finished;
    static inline int ran = 0, skipped = 0;
    static void stopper(stop_waits *l)
    {
        MODEL_FRAME();
        struct task_struct *k = kthread_create(loop_until_stopped, &l->finished, "looper");
        wake_up_process(k);
        int ret = kthread_stop(k);
        WARN_ON(ret != 7 && ret != -EINTR);
        WARN_ON(READ_ONCE(l->finished) != (ret == 7));
        (ret == 7 ? ran : skipped)++;
    }
    void task(int) { stopper(this); }
};

// A kthread stopped before it was ever woken never runs its function.
struct stop_before_wake : litmus_with_kthreads<1, "stopper"> {
    model_shared<int> finished;
    static inline int ret = 0;
    static void stopper(stop_before_wake *l)
    {
        MODEL_FRAME();
        struct task_struct *k = kthread_create(loop_until_stopped, &l->finished, "looper");
        ret = kthread_stop(k);
        WARN_ON(READ_ONCE(l->finished) != 0);
    }
    void task(int) { stopper(this); }
};

// One kthread more than the scenario declared: the execution is out of bounds, not a bug.
struct too_many_threads : litmus_with_kthreads<1, "creator"> {
    model_shared<int> finished;
    static void creator(too_many_threads *l)
    {
        MODEL_FRAME();
        struct task_struct *a = kthread_create(loop_until_stopped, &l->finished, "a");
        struct task_struct *b = kthread_create(loop_until_stopped, &l->finished, "b");
        kthread_stop(a);
        kthread_stop(b);
    }
    void task(int) { creator(this); }
};

// A kthread that tells its creator it ran, then returns; the creator wakes it once more
// afterwards. Without a reference of its own the task_struct may be gone by then (freed a grace
// period after the exit): a use-after-free. With get_task_struct() before the first wake (and
// put_task_struct() after the last) it cannot be.
int say_done(void *data)
{
    MODEL_FRAME();
    complete(static_cast<struct completion *>(data));
    return 0;
}

template <bool hold_ref>
struct wake_after_exit : litmus_with_kthreads<1, "creator"> {
    struct completion done;
    static void creator(wake_after_exit *l)
    {
        MODEL_FRAME();
        struct task_struct *k = kthread_create(say_done, &l->done, "brief");
        if (hold_ref)
            get_task_struct(k);
        wake_up_process(k);
        wait_for_completion(&l->done);
        wake_up_process(k);
        if (hold_ref)
            put_task_struct(k);
    }
    void setup() { init_completion(&done); }
    void task(int) { creator(this); }
};

}  // namespace

TEST_CASE("waking a kthread that has exited, without a reference, is a use-after-free",
          "[kthread][kasan]")
{
    run_result r =
        run_requiring<wake_after_exit<false>>(full(), "KASAN: use-after-free Read in creator");
    // Freed by the grace period's callback that puts the exited task's own reference.
    const auto &f = r.record.findings[0];
    REQUIRE(f.alloc >= 0);
    CHECK(r.record.allocs[static_cast<std::size_t>(f.alloc)].free_chain.contains(
        "delayed_put_task_struct"));
}

TEST_CASE("the same wake with a reference held is safe, and the last put frees the task",
          "[kthread]")
{
    run_clean_complete<wake_after_exit<true>>(full());
}

TEST_CASE("kthread_stop returns only after the thread function returned", "[kthread]")
{
    stop_waits::ran = stop_waits::skipped = 0;
    run_clean_complete<stop_waits>(full());
    CHECK(stop_waits::ran > 0);
    CHECK(stop_waits::skipped > 0);
}

TEST_CASE("a kthread stopped before its first wake never runs its function", "[kthread]")
{
    run_result r = run<stop_before_wake>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK(stop_before_wake::ret == -EINTR);
}

TEST_CASE("creating more kthreads than the scenario declared cuts the execution", "[kthread]")
{
    run_result r = run<too_many_threads>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK(r.cut == r.executions);
}
