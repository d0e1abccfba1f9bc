// model/io-wq.cc on its own, one canonical interleaving at a time (the sequential strategy):
// create, queue, run, destroy.
#include <catch2/catch.hpp>

#include "tests/litmus.h"
#include "model/io-wq.h"
#include "model/linux/bug.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

namespace {

struct simple_work {
    struct io_wq_work work;
    model_shared<int> ran;
    model_shared<int> cancelled;
    struct completion done;
};

void simple_work_fn(struct io_wq_work **workptr)
{
    MODEL_FRAME();
    struct simple_work *w = container_of(*workptr, struct simple_work, work);
    if ((*workptr)->flags & IO_WQ_WORK_CANCEL)
        WRITE_ONCE(w->cancelled, 1);
    else
        WRITE_ONCE(w->ran, 1);
    complete(&w->done);
}

struct create_run_destroy {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"submitter"};
    static inline int ran = 0;
    static void submitter()
    {
        MODEL_FRAME();
        struct user_struct *user = model_alloc_uid(1000);
        struct io_wq_data data = {user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(4, &data);
        if (WARN_ON(IS_ERR(wq)))
            return;

        struct simple_work *w = kzalloc(sizeof(*w), GFP_KERNEL);
        INIT_IO_WORK(&w->work, simple_work_fn);
        init_completion(&w->done);
        io_wq_enqueue(wq, &w->work);
        wait_for_completion(&w->done);
        ran = READ_ONCE(w->ran);

        io_wq_destroy(wq);
        kfree(w);
        free_uid(user);
    }
    void setup() {}
    void task(int) { submitter(); }
    void teardown() {}
};

}  // namespace

TEST_CASE("io-wq: create, queue bound work, a worker runs it, destroy frees everything", "[io-wq]")
{
    create_run_destroy::ran = 0;
    run_result r = run<create_run_destroy>(sequential());
    INFO((r.record.findings.empty() ? "" : format_finding(r.record, r.record.findings[0])));
    CHECK(verdict_of(r) == "clean");
    CHECK(create_run_destroy::ran == 1);
}
