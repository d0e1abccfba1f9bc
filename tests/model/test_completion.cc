// completion.h: wait_for_completion() returns only after complete().
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/bug.h"
#include "model/linux/completion.h"

using namespace iowq;
using namespace iowq::test;

namespace {

struct wait_then_check : litmus_test<"waiter", "completer"> {
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
};

struct nobody_completes : litmus_test<"waiter"> {
    struct completion done;
    static void waiter(nobody_completes *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->done);
    }
    void setup() { init_completion(&done); }
    void task(int) { waiter(this); }
};

// complete_all() releases every waiter; reinit_completion() makes the next wait block again.
struct complete_all_then_reinit : litmus_test<"waiter-a", "waiter-b", "completer"> {
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
    run_clean_complete<wait_then_check>(full());
}

TEST_CASE("a wait that nobody completes is a hang", "[completion]")
{
    run_result r = run<nobody_completes>(full());
    CHECK(verdict_of(r) == "INFO: task hung in waiter");
}

TEST_CASE("complete_all releases every waiter; reinit_completion resets it", "[completion]")
{
    run_clean_complete<complete_all_then_reinit>(bounded(2));
}
