// model/io-wq.cc on its own, one canonical interleaving at a time (the sequential search):
// create, queue, run, destroy.
#include <catch2/catch.hpp>

#include "tests/model/run.h"
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

// A work item that runs simple_work_fn, not queued yet.
struct simple_work *new_simple_work()
{
    struct simple_work *w = kzalloc(sizeof(*w), GFP_KERNEL);
    INIT_IO_WORK(&w->work, simple_work_fn);
    init_completion(&w->done);
    return w;
}

// An io-wq (at most 4 workers) as io_uring creates one, for a user of its own.
struct wq_of_user {
    struct user_struct *user;
    struct io_wq *wq;  // nullptr, after a WARN, if io_wq_create() failed
};

wq_of_user create_wq()
{
    struct user_struct *user = model_alloc_uid(1000);
    struct io_wq_data data = {user, nullptr, nullptr};
    struct io_wq *wq = io_wq_create(4, &data);
    return {user, WARN_ON(IS_ERR(wq)) ? nullptr : wq};
}

void destroy_wq(const wq_of_user &q)
{
    io_wq_destroy(q.wq);
    free_uid(q.user);
}

template <int nodes>
struct create_run_destroy : litmus_with_kthreads<4, "submitter"> {
    static inline int ran = 0;
    static void submitter()
    {
        MODEL_FRAME();
        wq_of_user q = create_wq();
        if (!q.wq)
            return;

        struct simple_work *w = new_simple_work();
        io_wq_enqueue(q.wq, &w->work);
        wait_for_completion(&w->done);
        ran = READ_ONCE(w->ran);

        destroy_wq(q);
        kfree(w);
    }
    void setup() { model_set_nr_nodes(nodes); }
    void task(int) { submitter(); }
    void teardown() { model_set_nr_nodes(1); }
};

// Work still queued is cancelled by io_wq_cancel_work() (or by pid): its function runs at once
// with IO_WQ_WORK_CANCEL, and the worker never sees it.
struct cancel_queued : litmus_with_kthreads<4, "submitter"> {
    static inline int result = -1, by_pid = -1, cancelled = 0, ran = 0;
    static void submitter()
    {
        MODEL_FRAME();
        wq_of_user q = create_wq();
        if (!q.wq)
            return;
        struct simple_work *a = new_simple_work();
        struct simple_work *b = new_simple_work();
        b->work.task_pid = 42;
        // The fixed worker has not run yet (nobody slept since it was woken): both stay queued.
        io_wq_enqueue(q.wq, &a->work);
        io_wq_enqueue(q.wq, &b->work);
        result = io_wq_cancel_work(q.wq, &a->work);
        by_pid = io_wq_cancel_pid(q.wq, 42);
        cancelled = READ_ONCE(a->cancelled) + READ_ONCE(b->cancelled);
        ran = READ_ONCE(a->ran) + READ_ONCE(b->ran);
        destroy_wq(q);
        kfree(a);
        kfree(b);
    }
    void task(int) { submitter(); }
};

// io_wq_cancel_cb() on two queued works that both match: without cancel_all it takes the first
// and the second runs; with it (what 00c18640c243's teardown asks for) both are cancelled.
bool match_pid_42(struct io_wq_work *work, void *)
{
    MODEL_FRAME();
    return work->task_pid == 42;
}

template <bool cancel_all>
struct cancel_cb_queued : litmus_with_kthreads<4, "submitter"> {
    static inline int result = -1, cancelled = 0, ran = 0;
    static void submitter()
    {
        MODEL_FRAME();
        wq_of_user q = create_wq();
        if (!q.wq)
            return;
        struct simple_work *a = new_simple_work();
        struct simple_work *b = new_simple_work();
        a->work.task_pid = b->work.task_pid = 42;
        io_wq_enqueue(q.wq, &a->work);
        io_wq_enqueue(q.wq, &b->work);
        result = io_wq_cancel_cb(q.wq, match_pid_42, nullptr, cancel_all);
        wait_for_completion(&a->done);
        wait_for_completion(&b->done);
        cancelled = READ_ONCE(a->cancelled) + READ_ONCE(b->cancelled);
        ran = READ_ONCE(a->ran) + READ_ONCE(b->ran);
        destroy_wq(q);
        kfree(a);
        kfree(b);
    }
    void task(int) { submitter(); }
};

// Create, queue, run, destroy on `nodes` NUMA nodes: clean, and the work ran.
template <int nodes>
void check_create_run_destroy()
{
    using L = create_run_destroy<nodes>;
    L::ran = 0;
    run_result r = run<L>(sequential());
    INFO(first_report(r));
    CHECK(verdict_of(r) == "clean");
    CHECK(L::ran == 1);
}

}  // namespace

TEST_CASE("io-wq: create, queue bound work, a worker runs it, destroy frees everything", "[io-wq]")
{
    check_create_run_destroy<1>();
}

TEST_CASE("io-wq with two NUMA nodes: a fixed worker per node, all gone at destroy", "[io-wq]")
{
    check_create_run_destroy<2>();
}

TEST_CASE("io_wq_cancel_work and io_wq_cancel_pid cancel queued work", "[io-wq]")
{
    run_result r = run<cancel_queued>(sequential());
    INFO(first_report(r));
    CHECK(verdict_of(r) == "clean");
    CHECK(cancel_queued::result == IO_WQ_CANCEL_OK);
    CHECK(cancel_queued::by_pid == IO_WQ_CANCEL_OK);
    CHECK(cancel_queued::cancelled == 2);
    CHECK(cancel_queued::ran == 0);
}

TEST_CASE("io_wq_cancel_cb cancels the first match, or every match with cancel_all", "[io-wq]")
{
    run_result first = run<cancel_cb_queued<false>>(sequential());
    INFO(first_report(first));
    CHECK(verdict_of(first) == "clean");
    CHECK(cancel_cb_queued<false>::result == IO_WQ_CANCEL_OK);
    CHECK(cancel_cb_queued<false>::cancelled == 1);
    CHECK(cancel_cb_queued<false>::ran == 1);

    run_result all = run<cancel_cb_queued<true>>(sequential());
    INFO(first_report(all));
    CHECK(verdict_of(all) == "clean");
    CHECK(cancel_cb_queued<true>::result == IO_WQ_CANCEL_OK);
    CHECK(cancel_cb_queued<true>::cancelled == 2);
    CHECK(cancel_cb_queued<true>::ran == 0);
}
