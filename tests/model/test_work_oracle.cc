// The completion oracle (model/rt/rt.h, work_handed(); model_work_handed() in compiler.h): a
// work handed to io-wq is completed exactly once before its object is freed or the execution
// ends. Known-good: handed and completed once, and handed again after it completed (a request
// reissued). Known-bad: never completed (freed, or on a stack at the end), completed twice,
// handed over again while still pending.
#include <string>

#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/completion.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

// At global scope, so that reports name it "struct request".
struct request {
    model_var<int> result;
    model_var<int> work;  // stands for the io_wq_work inside an io_kiocb
};

namespace {

enum class slip { none, reissued, never, twice, queued_twice, on_stack_never };

// Task "submitter" hands the request's work over; task "worker" completes it (as io-wq's worker
// calls the work's function); the submitter frees the request once it has completed.
template <slip s>
struct requests : litmus_test<"submitter", "worker"> {
    request *req = nullptr;
    struct completion handed, done;
    model_var<int> stack_work;  // not on the heap: stands for io_wq_flush()'s on-stack work
    void setup()
    {
        req = kzalloc(sizeof(request), GFP_KERNEL);
        init_completion(&handed);
        init_completion(&done);
    }
    static void io_wqe_enqueue(const void *work)
    {
        MODEL_FRAME();
        model_work_handed(work);
    }
    static void io_worker_handle_work(const void *work)
    {
        MODEL_FRAME();
        model_work_completing(work);
    }
    static void submitter(requests *l)
    {
        MODEL_FRAME();
        const void *w = s == slip::on_stack_never ? static_cast<const void *>(&l->stack_work)
                                                  : static_cast<const void *>(&l->req->work);
        io_wqe_enqueue(w);
        if (s == slip::queued_twice)
            io_wqe_enqueue(w);
        complete(&l->handed);
        wait_for_completion(&l->done);
        if (s == slip::reissued) {
            // Completed: it may be handed over again, and completes again.
            io_wqe_enqueue(w);
            io_worker_handle_work(w);
        }
        kfree(l->req);
    }
    static void worker(requests *l)
    {
        MODEL_FRAME();
        wait_for_completion(&l->handed);
        const void *w = s == slip::on_stack_never ? static_cast<const void *>(&l->stack_work)
                                                  : static_cast<const void *>(&l->req->work);
        if (s != slip::never && s != slip::on_stack_never)
            io_worker_handle_work(w);
        if (s == slip::twice)
            io_worker_handle_work(w);
        complete(&l->done);
    }
    void task(int i) { i == 0 ? submitter(this) : worker(this); }
};

}  // namespace

TEST_CASE("a work completed once passes the completion oracle", "[work]")
{
    run_clean_complete<requests<slip::none>>(full());
}

TEST_CASE("a work handed over again after it completed passes too", "[work]")
{
    run_clean_complete<requests<slip::reissued>>(full());
}

TEST_CASE("a work freed before it completed was never completed", "[work]")
{
    run_result r = run<requests<slip::never>>(full());
    REQUIRE(r.record.findings.size() >= 1);
    const model::rt::finding &f = r.record.findings[0];
    CHECK(f.kind == model::rt::finding_kind::work);
    CHECK(f.sub == static_cast<std::uint8_t>(model::rt::work_bug::never_completed));
    CHECK(f.at_free);
    CHECK(verdict_of(r) == "io-wq: work never completed, queued in io_wqe_enqueue");
    // The report names the object holding the work and who handed it over.
    std::string rep = first_report(r);
    CHECK(rep.find("BUG: io-wq work never completed: neither run nor cancelled before it was "
                   "freed") != std::string::npos);
    CHECK(rep.find("work: struct request at 0x") != std::string::npos);
    CHECK(rep.find("handed to io-wq by task submitter") != std::string::npos);
}

TEST_CASE("a work on a stack still pending at the end was never completed", "[work]")
{
    run_result r = run<requests<slip::on_stack_never>>(full());
    CHECK(verdict_of(r) == "io-wq: work never completed, queued in io_wqe_enqueue");
    REQUIRE(r.record.findings.size() >= 1);
    CHECK(!r.record.findings[0].at_free);
    std::string rep = first_report(r);
    CHECK(rep.find("by the end of the execution") != std::string::npos);
    CHECK(rep.find("work: on a task's stack") != std::string::npos);
}

TEST_CASE("a work completed twice is reported at the second completion", "[work]")
{
    run_result r = run<requests<slip::twice>>(full());
    CHECK(verdict_of(r) == "io-wq: work completed twice in io_worker_handle_work");
    REQUIRE(r.record.findings.size() >= 1);
    CHECK(r.record.findings[0].sub ==
          static_cast<std::uint8_t>(model::rt::work_bug::completed_twice));
    std::string rep = first_report(r);
    CHECK(rep.find("BUG: io-wq work completed twice: its function completes it again by task "
                   "worker") != std::string::npos);
    CHECK(rep.find("completed first by task worker") != std::string::npos);
}

TEST_CASE("a work handed over again while pending is queued twice", "[work]")
{
    run_result r = run<requests<slip::queued_twice>>(full());
    CHECK(verdict_of(r) == "io-wq: work queued twice in io_wqe_enqueue");
    CHECK(first_report(r).find("handed over first by task submitter") != std::string::npos);
}
