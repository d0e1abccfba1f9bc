// The io_uring side of the model with io-wq under it, one canonical interleaving at a time:
// ring setup, attach, submission, teardown, and the RLIMIT_NPROC = 0 configuration (R8).
#include <catch2/catch.hpp>

#include "tests/litmus.h"
#include "model/fixes.h"
#include "model/io_uring.h"
#include "model/linux/bug.h"
#include "model/linux/capability.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

namespace {

// The model version for the next run; restores "buggy" when the test case ends.
struct use_version {
    explicit use_version(const char *name)
    {
        const model_version *v = model_find_version(name);
        model_select(v->fixes, v->parent, v->whatif_no_rcu);
    }
    ~use_version() { model_select(0, false, false); }
};

// The user every task runs as; setup gives each static task a reference through ->user.
struct with_user {
    struct user_struct *user = nullptr;
    void give_user(int nr_tasks, unsigned long caps, unsigned long nproc)
    {
        user = model_alloc_uid(1000);
        for (int i = 0; i < nr_tasks; i++) {
            task_struct *t = task_of(i);
            t->user = user;
            t->cap_effective = caps;
            t->rlim_nproc = nproc;
        }
    }
    void drop_user() { free_uid(user); }
};

// One ring: a read of a pipe (punted: unbound work) and a forced-async NOP (bound work), then
// close. Teardown waits for both requests, destroys the io-wq, and frees everything.
struct ring_read_nop_close : with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;
    static inline unsigned posted = 0;
    static void run(ring_read_nop_close *l)
    {
        MODEL_FRAME_NAMED("syz_io_uring_setup");
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (WARN_ON(IS_ERR(ring)))
            return;
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqes[2] = {{IORING_OP_READV, 0, pipe, 1},
                                       {IORING_OP_NOP, IOSQE_ASYNC, nullptr, 2}};
        WARN_ON(io_uring_enter(ring, sqes, 2) != 2);
        model_close(pipe);
        model_close(ring);
    }
    void setup() { give_user(nr_tasks, 0, 4096); }
    void task(int) { run(this); }
    void teardown()
    {
        posted = cq.posted;
        drop_user();
    }
};

// Ring B attaches to ring A's io-wq. Closing A leaves the io-wq to B; only B's close
// destroys it.
struct attach_then_close_both : with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq_a, cq_b;
    static inline unsigned use_refs_after_attach = 0, use_refs_after_close_a = 0;
    static inline bool wq_alive_after_close_a = false;
    static inline long setup_b = 0;
    static void run(attach_then_close_both *l)
    {
        MODEL_FRAME_NAMED("syz_io_uring_setup");
        struct io_uring_params pa = {};
        pa.cq = &l->cq_a;
        struct file *a = io_uring_setup(4, &pa);
        if (WARN_ON(IS_ERR(a)))
            return;
        struct io_uring_params pb = {};
        pb.flags = IORING_SETUP_ATTACH_WQ;
        pb.wq_fd = a;
        pb.cq = &l->cq_b;
        struct file *b = io_uring_setup(4, &pb);
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
    void setup() { give_user(nr_tasks, 0, 4096); }
    void task(int) { run(this); }
    void teardown() { drop_user(); }
};

// The submitter sleeps a moment, so that the workers it woke get to run.
void msleep_a_little()
{
    MODEL_FRAME_NAMED("msleep");
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule_timeout(1);
}

// R8 without the capability: a bound read keeps the fixed worker busy, so that no free worker
// is left when the unbound read comes; io_wq_can_queue() then refuses it.
struct nproc_zero_busy : with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;
    static inline unsigned cancelled = 0, posted = 0;
    static void run(nproc_zero_busy *l)
    {
        MODEL_FRAME_NAMED("syz_io_uring_setup");
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (WARN_ON(IS_ERR(ring)))
            return;
        struct file *slow = model_open(true, true);
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe bound = {IORING_OP_READV, IOSQE_ASYNC, slow, 1};
        WARN_ON(io_uring_enter(ring, &bound, 1) != 1);
        msleep_a_little();
        struct io_uring_sqe unbound = {IORING_OP_READV, 0, pipe, 2};
        WARN_ON(io_uring_enter(ring, &unbound, 1) != 1);
        model_close(pipe);
        model_close(slow);
        model_close(ring);
    }
    void setup() { give_user(nr_tasks, 0, 0); }
    void task(int) { run(this); }
    void teardown()
    {
        cancelled = cq.cancelled;
        posted = cq.posted;
        drop_user();
    }
};

// R8: RLIMIT_NPROC is 0 when the ring is created, and unbound work is queued.
struct nproc_zero : with_user {
    static constexpr int nr_tasks = 1;
    static constexpr int nr_kthreads = 4;
    static constexpr const char *task_names[] = {"syz-executor"};
    struct io_uring_cq cq;
    static inline unsigned cancelled = 0, posted = 0;
    static inline unsigned long caps = 0;
    static void run(nproc_zero *l)
    {
        MODEL_FRAME_NAMED("syz_io_uring_setup");
        struct io_uring_params p = {};
        p.cq = &l->cq;
        struct file *ring = io_uring_setup(4, &p);
        if (WARN_ON(IS_ERR(ring)))
            return;
        struct file *pipe = model_open(false, true);
        struct io_uring_sqe sqe = {IORING_OP_READV, 0, pipe, 1};
        WARN_ON(io_uring_enter(ring, &sqe, 1) != 1);
        model_close(pipe);
        model_close(ring);
    }
    void setup() { give_user(nr_tasks, caps, 0); }
    void task(int) { run(this); }
    void teardown()
    {
        cancelled = cq.cancelled;
        posted = cq.posted;
        drop_user();
    }
};

std::string first_report(const run_result &r)
{
    return r.record.findings.empty() ? "" : format_finding(r.record, r.record.findings[0]);
}

}  // namespace

TEST_CASE("a ring reads a pipe through io-wq and runs forced-async work, and close frees all",
          "[io_uring]")
{
    for (const char *version : {"buggy", "patched"}) {
        use_version v(version);
        ring_read_nop_close::posted = 0;
        run_result r = run<ring_read_nop_close>(sequential());
        INFO(version << "\n" << first_report(r));
        CHECK(verdict_of(r) == "clean");
        // Both requests completed (the read was interrupted by the teardown's cancel, or its
        // data came first), and nothing leaked.
        CHECK(ring_read_nop_close::posted == 2);
    }
}

TEST_CASE("an attached ring holds a use_ref: only the last close destroys the io-wq", "[io_uring]")
{
    use_version v("buggy");
    run_result r = run<attach_then_close_both>(sequential());
    INFO(first_report(r));
    CHECK(verdict_of(r) == "clean");
    CHECK(attach_then_close_both::setup_b == 0);
    CHECK(attach_then_close_both::use_refs_after_attach == 2);
    CHECK(attach_then_close_both::use_refs_after_close_a == 1);
    CHECK(attach_then_close_both::wq_alive_after_close_a);
}

TEST_CASE("the parent commit rejects IORING_SETUP_ATTACH_WQ", "[io_uring]")
{
    use_version v("parent");
    run_result r = run<attach_then_close_both>(sequential());
    CHECK(verdict_of(r) == "clean");
    CHECK(attach_then_close_both::setup_b == -EINVAL);
}

TEST_CASE("RLIMIT_NPROC = 0 with CAP_SYS_ADMIN: the WARN in io_wqe_wake_worker (R8)",
          "[io_uring][r8]")
{
    nproc_zero::caps = 1ul << CAP_SYS_ADMIN;
    {
        use_version v("buggy");
        run_result r = run<nproc_zero>(sequential());
        INFO(first_report(r));
        REQUIRE(verdict_of(r) == "WARNING in io_wqe_wake_worker");
        const auto &chain = r.record.findings[0].chain;
        CHECK(chain.contains("io_uring_enter"));
        CHECK(chain.contains("io_queue_async_work"));
        CHECK(chain.contains("io_wqe_enqueue"));
        CHECK(std::string(r.record.findings[0].what) == "!acct->max_workers");
    }
    {
        use_version v("patched");
        run_result r = run<nproc_zero>(sequential());
        INFO(first_report(r));
        CHECK(verdict_of(r) == "clean");
    }
}

TEST_CASE("RLIMIT_NPROC = 0 without the capability: the read is cancelled, no WARN",
          "[io_uring][r8]")
{
    use_version v("buggy");
    nproc_zero_busy::cancelled = nproc_zero_busy::posted = 0;
    run_result r = run<nproc_zero_busy>(sequential());
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
    use_version v("buggy");
    run_result r = run<nproc_zero>(sequential());
    CHECK(verdict_of(r) == "WARNING in io_wqe_wake_worker");
}
