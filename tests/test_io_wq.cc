// model/io-wq.cc on its own, one canonical interleaving at a time (the sequential strategy):
// create, queue, run, destroy.
#include <catch2/catch.hpp>

#include "tests/litmus.h"
#include "model/io-wq.h"
#include "model/linux/bug.h"
#include "model/linux/nodemask.h"
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

template <int nodes>
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
    void setup() { model_set_nr_nodes(nodes); }
    void task(int) { submitter(); }
    void teardown() { model_set_nr_nodes(1); }
};

// Work still queued is cancelled by io_wq_cancel_work() (or by pid): its function runs at once
// with IO_WQ_WORK_CANCEL, and the worker never sees it.
struct cancel_queued {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"submitter"};
    static inline int result = -1, by_pid = -1, cancelled = 0, ran = 0;
    static void submitter()
    {
        MODEL_FRAME();
        struct user_struct *user = model_alloc_uid(1000);
        struct io_wq_data data = {user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(4, &data);
        if (WARN_ON(IS_ERR(wq)))
            return;
        struct simple_work *a = kzalloc(sizeof(*a), GFP_KERNEL);
        struct simple_work *b = kzalloc(sizeof(*b), GFP_KERNEL);
        INIT_IO_WORK(&a->work, simple_work_fn);
        INIT_IO_WORK(&b->work, simple_work_fn);
        b->work.task_pid = 42;
        init_completion(&a->done);
        init_completion(&b->done);
        // The fixed worker has not run yet (nobody slept since it was woken): both stay queued.
        io_wq_enqueue(wq, &a->work);
        io_wq_enqueue(wq, &b->work);
        result = io_wq_cancel_work(wq, &a->work);
        by_pid = io_wq_cancel_pid(wq, 42);
        cancelled = READ_ONCE(a->cancelled) + READ_ONCE(b->cancelled);
        ran = READ_ONCE(a->ran) + READ_ONCE(b->ran);
        io_wq_destroy(wq);
        kfree(a);
        kfree(b);
        free_uid(user);
    }
    void setup() {}
    void task(int) { submitter(); }
    void teardown() {}
};

}  // namespace

TEST_CASE("io-wq: create, queue bound work, a worker runs it, destroy frees everything", "[io-wq]")
{
    create_run_destroy<1>::ran = 0;
    run_result r = run<create_run_destroy<1>>(sequential());
    INFO((r.record.findings.empty() ? "" : format_finding(r.record, r.record.findings[0])));
    CHECK(verdict_of(r) == "clean");
    CHECK(create_run_destroy<1>::ran == 1);
}

TEST_CASE("io-wq with two NUMA nodes: a fixed worker per node, all gone at destroy", "[io-wq]")
{
    create_run_destroy<2>::ran = 0;
    run_result r = run<create_run_destroy<2>>(sequential());
    INFO((r.record.findings.empty() ? "" : format_finding(r.record, r.record.findings[0])));
    CHECK(verdict_of(r) == "clean");
    CHECK(create_run_destroy<2>::ran == 1);
}

TEST_CASE("io_wq_cancel_work and io_wq_cancel_pid cancel queued work", "[io-wq]")
{
    run_result r = run<cancel_queued>(sequential());
    INFO((r.record.findings.empty() ? "" : format_finding(r.record, r.record.findings[0])));
    CHECK(verdict_of(r) == "clean");
    CHECK(cancel_queued::result == IO_WQ_CANCEL_OK);
    CHECK(cancel_queued::by_pid == IO_WQ_CANCEL_OK);
    CHECK(cancel_queued::cancelled == 2);
    CHECK(cancel_queued::ran == 0);
}
