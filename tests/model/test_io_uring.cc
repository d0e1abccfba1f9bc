// The io_uring side of the model with io-wq under it, one canonical interleaving at a time:
// ring setup, attach, submission, teardown, and the RLIMIT_NPROC = 0 configuration (R8).
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "checks/scenarios/kit.h"
#include "model/fixes.h"
#include "model/io_uring.h"
#include "model/linux/bug.h"
#include "model/linux/capability.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

namespace {

// The model version for the runs in its scope; restores "buggy" at the end of it.
struct use_version {
    explicit use_version(const char *name)
    {
        const model_version *v = model_find_version(name);
        model_select(v->fixes, v->parent, v->whatif_no_rcu);
    }
    ~use_version() { model_select(0, false, false); }
};

// io_uring_setup() of a ring of 4 entries whose completions go to `cq` (the ring's file, or an
// error pointer).
struct file *new_ring(struct io_uring_cq *cq, unsigned flags = 0, struct file *wq_fd = nullptr)
{
    struct io_uring_params p = {};
    p.flags = flags;
    p.wq_fd = wq_fd;
    p.cq = cq;
    return io_uring_setup(4, &p);
}

// A litmus class of one task, syz-executor, that drives io_uring as kit::with_user's user
// (capabilities `caps`, none unless a test sets them; RLIMIT_NPROC `nproc`), with io-wq's
// kthreads.
template <class Self, unsigned long nproc>
struct ring_user : kit::with_user, litmus_with_kthreads<4, "syz-executor"> {
    static inline unsigned long caps = 0;
    void setup() { give_user(nr_tasks, caps, nproc); }
    void teardown() { drop_user(); }
};

// The same with one ring, on `cq`: the task sets it up, gives it to Self::submit(), and closes
// it; teardown keeps what the CQ counted for the test case.
template <class Self, unsigned long nproc>
struct one_ring : ring_user<Self, nproc> {
    struct io_uring_cq cq;
    static inline unsigned posted = 0, cancelled = 0;
    void task(int)
    {
        MODEL_FRAME_NAMED("syz_io_uring_setup");
        struct file *ring = new_ring(&cq);
        if (WARN_ON(IS_ERR(ring)))
            return;
        static_cast<Self *>(this)->submit(ring);
        model_close(ring);
    }
    void teardown()
    {
        posted = cq.posted;
        cancelled = cq.cancelled;
        this->drop_user();
    }
};

// One ring: a read of a pipe (punted: unbound work) and a forced-async NOP (bound work), then
// close. Teardown waits for both requests, destroys the io-wq, and frees everything.
struct ring_read_nop_close : one_ring<ring_read_nop_close, 4096> {
    void submit(struct file *ring)
    {
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqes[2] = {{IORING_OP_READV, 0, pipe, 1},
                                       {IORING_OP_NOP, IOSQE_ASYNC, nullptr, 2}};
        WARN_ON(io_uring_enter(ring, sqes, 2) != 2);
        model_close(pipe);
    }
};

// Ring B attaches to ring A's io-wq. Closing A leaves the io-wq to B; only B's close
// destroys it.
struct attach_then_close_both : ring_user<attach_then_close_both, 4096> {
    struct io_uring_cq cq_a, cq_b;
    static inline unsigned use_refs_after_attach = 0, use_refs_after_close_a = 0;
    static inline bool wq_alive_after_close_a = false;
    static inline long setup_b = 0;
    static void run(attach_then_close_both *l)
    {
        MODEL_FRAME_NAMED("syz_io_uring_setup");
        struct file *a = new_ring(&l->cq_a);
        if (WARN_ON(IS_ERR(a)))
            return;
        struct file *b = new_ring(&l->cq_b, IORING_SETUP_ATTACH_WQ, a);
        setup_b = IS_ERR(b) ? PTR_ERR(b) : 0;
        if (IS_ERR(b)) {
            model_close(a);
            return;
        }
        auto *ctx_b = static_cast<struct io_ring_ctx *>(static_cast<void *>(b->private_data));
        struct io_wq *wq = ctx_b->io_wq;
        use_refs_after_attach = refcount_read(&wq->use_refs);
        model_close(a);
        // The io-wq is still B's: its memory is live (KASAN would object otherwise).
        use_refs_after_close_a = refcount_read(&wq->use_refs);
        wq_alive_after_close_a = true;
        struct io_uring_sqe sqe = {IORING_OP_NOP, IOSQE_ASYNC, nullptr, 3};
        WARN_ON(io_uring_enter(b, &sqe, 1) != 1);
        model_close(b);
    }
    void task(int) { run(this); }
};

// R8 without the capability: a bound read keeps the fixed worker busy, so that no free worker
// is left when the unbound read comes; io_wq_can_queue() then refuses it.
struct nproc_zero_busy : one_ring<nproc_zero_busy, 0> {
    void submit(struct file *ring)
    {
        struct file *slow = model_open(true, true);
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe bound = {IORING_OP_READV, IOSQE_ASYNC, slow, 1};
        WARN_ON(io_uring_enter(ring, &bound, 1) != 1);
        kit::msleep_a_little();
        struct io_uring_sqe unbound = {IORING_OP_READV, 0, pipe, 2};
        WARN_ON(io_uring_enter(ring, &unbound, 1) != 1);
        model_close(pipe);
        model_close(slow);
    }
};

// R8: RLIMIT_NPROC is 0 when the ring is created, and unbound work is queued.
struct nproc_zero : one_ring<nproc_zero, 0> {
    void submit(struct file *ring)
    {
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqe = {IORING_OP_READV, 0, pipe, 1};
        WARN_ON(io_uring_enter(ring, &sqe, 1) != 1);
        model_close(pipe);
    }
};

// L's canonical run (the sequential search) on model version `version`.
template <class L>
run_result run_on(const char *version)
{
    use_version v(version);
    return run<L>(sequential());
}

}  // namespace

TEST_CASE("a ring reads a pipe through io-wq and runs forced-async work, and close frees all",
          "[io_uring]")
{
    for (const char *version : {"buggy", "patched"}) {
        ring_read_nop_close::posted = 0;
        run_result r = run_on<ring_read_nop_close>(version);
        INFO(version << "\n" << first_report(r));
        CHECK(verdict_of(r) == "clean");
        // Both requests completed (the read was interrupted by the teardown's cancel, or its
        // data came first), and nothing leaked.
        CHECK(ring_read_nop_close::posted == 2);
    }
}

TEST_CASE("an attached ring holds a use_ref: only the last close destroys the io-wq", "[io_uring]")
{
    run_result r = run_on<attach_then_close_both>("buggy");
    INFO(first_report(r));
    CHECK(verdict_of(r) == "clean");
    CHECK(attach_then_close_both::setup_b == 0);
    CHECK(attach_then_close_both::use_refs_after_attach == 2);
    CHECK(attach_then_close_both::use_refs_after_close_a == 1);
    CHECK(attach_then_close_both::wq_alive_after_close_a);
}

TEST_CASE("the parent commit rejects IORING_SETUP_ATTACH_WQ", "[io_uring]")
{
    run_result r = run_on<attach_then_close_both>("parent");
    CHECK(verdict_of(r) == "clean");
    CHECK(attach_then_close_both::setup_b == -EINVAL);
}

TEST_CASE("RLIMIT_NPROC = 0 with CAP_SYS_ADMIN: the WARN in io_wqe_wake_worker (R8)",
          "[io_uring][r8]")
{
    nproc_zero::caps = 1ul << CAP_SYS_ADMIN;
    {
        run_result r = run_on<nproc_zero>("buggy");
        INFO(first_report(r));
        REQUIRE(verdict_of(r) == "WARNING in io_wqe_wake_worker");
        const auto &chain = r.record.findings[0].chain;
        CHECK(chain.contains("io_uring_enter"));
        CHECK(chain.contains("io_queue_async_work"));
        CHECK(chain.contains("io_wqe_enqueue"));
        CHECK(std::string(r.record.findings[0].what) == "!acct->max_workers");
    }
    {
        run_result r = run_on<nproc_zero>("patched");
        INFO(first_report(r));
        CHECK(verdict_of(r) == "clean");
    }
}

TEST_CASE("RLIMIT_NPROC = 0 without the capability: the read is cancelled, no WARN",
          "[io_uring][r8]")
{
    nproc_zero_busy::cancelled = nproc_zero_busy::posted = 0;
    run_result r = run_on<nproc_zero_busy>("buggy");
    INFO(first_report(r));
    CHECK(verdict_of(r) == "clean");
    CHECK(nproc_zero_busy::posted == 2);
    CHECK(nproc_zero_busy::cancelled == 1);
}

TEST_CASE("without the capability but with a free worker, io_wq_can_queue lets it through",
          "[io_uring][r8]")
{
    // io_wq_can_queue() says yes whenever the free list is not empty, and a free worker is a
    // bound one here: the unbound work then reaches the same WARN, privileged or not.
    nproc_zero::caps = 0;
    CHECK(verdict_of(run_on<nproc_zero>("buggy")) == "WARNING in io_wqe_wake_worker");
}
