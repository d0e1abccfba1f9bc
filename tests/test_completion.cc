// completion.h: wait_for_completion() returns only after complete().
#include <catch2/catch.hpp>

#include "tests/litmus.h"
#include "model/linux/bug.h"
#include "model/linux/completion.h"

using namespace iowq;
using namespace iowq::test;

namespace {

struct wait_then_check {
    static constexpr int nr_tasks = 2;
    static constexpr int nr_kthreads = 0;
    static constexpr const char *task_names[] = {"waiter", "completer"};
    struct completion done;
    model_var<int> data;
    static void waiter(wait_then_check *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->done);
        // complete() orders the completer's writes before the waiter's reads: no race here.
        WARN_ON(l->data != 1);
    }
    static void completer(wait_then_check *l)
    {
        MODEL_FRAME();
        l->data = 1;
        complete(&l->done);
    }
    void setup() { init_completion(&done); }
    void task(int i) { i == 0 ? waiter(this) : completer(this); }
    void teardown() {}
};

struct nobody_completes {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 0;
    static constexpr const char *task_names[] = {"waiter"};
    struct completion done;
    static void waiter(nobody_completes *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->done);
    }
    void setup() { init_completion(&done); }
    void task(int) { waiter(this); }
    void teardown() {}
};

// complete_all() releases every waiter; reinit_completion() makes the next wait block again.
struct complete_all_then_reinit {
    static constexpr int nr_tasks = 3;
    static constexpr int nr_kthreads = 0;
    static constexpr const char *task_names[] = {"waiter-a", "waiter-b", "completer"};
    struct completion done;
    static void waiter(complete_all_then_reinit *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->done);
    }
    static void completer(complete_all_then_reinit *l)
    {
        MODEL_FRAME();
        complete_all(&l->done);
    }
    void setup() { init_completion(&done); }
    void task(int i) { i < 2 ? waiter(this) : completer(this); }
    void teardown()
    {
        WARN_ON(!completion_done(&done));
        reinit_completion(&done);
        WARN_ON(completion_done(&done));
    }
};

}  // namespace

TEST_CASE("wait_for_completion returns only after complete", "[completion]")
{
    run_result r = run<wait_then_check>(full());
    CHECK(verdict_of(r) == "clean");
    CHECK(r.complete);
}

TEST_CASE("a wait that nobody completes is a hang", "[completion]")
{
    run_result r = run<nobody_completes>(full());
    CHECK(verdict_of(r) == "INFO: task hung in waiter");
}

TEST_CASE("complete_all releases every waiter; reinit_completion resets it", "[completion]")
{
    run_result r = run<complete_all_then_reinit>(bounded(2));
    CHECK(verdict_of(r) == "clean");
    CHECK(r.complete);
}
