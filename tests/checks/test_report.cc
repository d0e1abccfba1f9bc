// The report printers, on hand-made records: this code never runs inside Relacy's fibers and is
// what the sanitizer preset instruments.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checks/report/splat.h"
#include "tests/checks/records.h"

using namespace iowq;
using model::rt::finding;
using model::rt::finding_kind;

namespace {

execution_record two_tasks()
{
    execution_record r;
    task_info init;
    init.comm = "init";
    init.pid = 1;
    r.tasks.push_back(init);
    r.tasks.push_back(started_task(1, "io_wqe_worker-0"));
    r.tasks.back().kthread = true;
    r.tasks.push_back(started_task(2, "syz-executor"));
    return r;
}

const model::rt::type_desc wqe_type{"struct io_wqe", 96, nullptr};

}  // namespace

TEST_CASE("a KASAN report names the access, the object, and both call chains", "[report]")
{
    execution_record r = two_tasks();
    model::rt::alloc_rec a{};
    a.off = 0x40;
    a.bytes = 96;
    a.count = 1;
    a.type = &wqe_type;
    a.state = model::rt::alloc_state::freed;
    a.alloc_task = 2;
    a.alloc_chain = chain({"io_wq_create", "kzalloc_node"});
    a.free_task = 2;
    a.free_chain = chain({"io_wq_destroy", "__io_wq_destroy", "kfree"});
    a.rcu_task = -1;
    r.allocs.push_back(a);

    finding f{};
    f.kind = finding_kind::kasan;
    f.what = "use-after-free";
    f.task = 1;
    f.chain = chain({"ret_from_fork", "kthread", "io_wqe_worker", "io_worker_start", "atomic_inc"});
    f.addr = 0x40 + 24;
    f.size = 4;
    f.is_write = true;
    f.alloc = 0;
    r.findings.push_back(f);

    CHECK(title(r, f) == "KASAN: use-after-free Write in atomic_inc");
    CHECK(format_finding(r, f) ==
          "==================================================================\n"
          "BUG: KASAN: use-after-free in atomic_inc\n"
          "Write of size 4 at addr ffff888100000058 by task io_wqe_worker-0/2\n"
          "\n"
          "Call Trace:\n"
          " atomic_inc\n"
          " io_worker_start\n"
          " io_wqe_worker fs/io-wq.c:550\n"
          " kthread\n"
          " ret_from_fork\n"
          "\n"
          "Allocated by task syz-executor/3:\n"
          " kzalloc_node\n"
          " io_wq_create fs/io-wq.c:1071\n"
          "\n"
          "Freed by task syz-executor/3:\n"
          " kfree\n"
          " __io_wq_destroy\n"
          " io_wq_destroy fs/io-wq.c:1154\n"
          "\n"
          "The buggy address belongs to the object at ffff888100000040\n"
          " which belongs to struct io_wqe of size 96\n"
          "The buggy address is located 24 bytes inside of\n"
          " 96-byte region [ffff888100000040, ffff8881000000a0)\n"
          "==================================================================\n");
}

TEST_CASE("a WARNING names the site, the condition and the call chain", "[report]")
{
    execution_record r = two_tasks();
    finding f =
        wake_worker_warn(2, chain({"io_uring_enter", "io_wqe_enqueue", "io_wqe_wake_worker"}));
    CHECK(title(r, f) == "WARNING in io_wqe_wake_worker");
    // In the kernel's coordinates (the default): the WARN's line in S1, and each frame's call
    // line; io_uring_enter does not call io_wqe_enqueue in the kernel, so it has no line.
    CHECK(format_finding(r, f) == "------------[ cut here ]------------\n"
                                  "WARNING: CPU: 0 PID: 3 at fs/io-wq.c:280 io_wqe_wake_worker\n"
                                  "condition: !acct->max_workers\n"
                                  "CPU: 0 PID: 3 Comm: syz-executor/3\n"
                                  "Call Trace:\n"
                                  " io_wqe_wake_worker fs/io-wq.c:280\n"
                                  " io_wqe_enqueue fs/io-wq.c:779\n"
                                  " io_uring_enter\n"
                                  "---[ end trace ]---\n");
    // In the model's: its own file:line, frames by name.
    CHECK(format_finding(r, f, coordinates::model) ==
          "------------[ cut here ]------------\n"
          "WARNING: CPU: 0 PID: 3 at model/io-wq.cc:254 io_wqe_wake_worker\n"
          "condition: !acct->max_workers\n"
          "CPU: 0 PID: 3 Comm: syz-executor/3\n"
          "Call Trace:\n"
          " io_wqe_wake_worker\n"
          " io_wqe_enqueue\n"
          " io_uring_enter\n"
          "---[ end trace ]---\n");
}

TEST_CASE("a call trace prints the kernel's file:line, inline marks and inline helpers", "[report]")
{
    // R12's chain: the seed's frames, with the refcount helper the seed shows inside
    // refcount_inc_not_zero and the [inline] marks it shows.
    model::rt::call_chain c = chain(
        {"io_uring_enter", "io_submit_sqes", "io_submit_sqe", "io_queue_sqe", "__io_queue_sqe",
         "io_queue_async_work", "io_wq_enqueue", "io_wqe_enqueue", "io_wqe_wake_worker",
         "io_wqe_activate_free_worker", "io_worker_get", "refcount_inc_not_zero"});
    CHECK(frame_lines(c, "use-after-free", coordinates::kernel) ==
          std::vector<std::string>{
              "refcount_add_not_zero",
              "refcount_inc_not_zero include/linux/refcount.h:211 [inline]",
              "io_worker_get fs/io-wq.c:121 [inline]",
              "io_wqe_activate_free_worker fs/io-wq.c:259 [inline]",
              "io_wqe_wake_worker fs/io-wq.c:283", "io_wqe_enqueue fs/io-wq.c:779",
              "io_wq_enqueue fs/io-wq.c:786", "io_queue_async_work fs/io_uring.c:932",
              "__io_queue_sqe fs/io_uring.c:4552 [inline]", "io_queue_sqe fs/io_uring.c:4607",
              "io_submit_sqe fs/io_uring.c:4702 [inline]", "io_submit_sqes fs/io_uring.c:4856",
              "io_uring_enter fs/io_uring.c:6375"});
    CHECK(frame_lines(c, "use-after-free", coordinates::model).front() == "refcount_inc_not_zero");
}

TEST_CASE("a frame the table does not place prints its name alone", "[report]")
{
    // Known bad for the lookup: a pair of frames the kernel does not have (io_wqe_enqueue never
    // calls io_worker_get), a function that calls its callee on more than one line
    // (io_wqe_worker's two io_worker_handle_work), a WARN whose condition is not S1's, and a
    // name the table does not know. None may borrow a line.
    CHECK(frame_lines(chain({"io_wqe_enqueue", "io_worker_get"}), {}, coordinates::kernel) ==
          std::vector<std::string>{"io_worker_get", "io_wqe_enqueue"});
    CHECK(frame_lines(chain({"io_wqe_worker", "io_worker_handle_work"}), {}, coordinates::kernel) ==
          std::vector<std::string>{"io_worker_handle_work", "io_wqe_worker"});
    CHECK(frame_lines(chain({"io_wqe_wake_worker"}), "!acct->nr_workers", coordinates::kernel) ==
          std::vector<std::string>{"io_wqe_wake_worker"});
    CHECK(frame_lines(chain({"syz", "model_helper"}), {}, coordinates::kernel) ==
          std::vector<std::string>{"model_helper", "syz"});
    execution_record r = two_tasks();
    finding f = wake_worker_warn(2, chain({"io_wq_create"}));
    f.what = "!bounded";
    CHECK(format_finding(r, f).find("WARNING: CPU: 0 PID: 3 at io_wq_create\n") !=
          std::string::npos);
}

TEST_CASE("titles skip the primitives to name the function at fault", "[report]")
{
    execution_record r = two_tasks();
    finding f{};
    f.task = 2;
    f.chain = chain({"io_worker_release", "refcount_dec_and_test", "refcount_warn_saturate"});
    f.kind = finding_kind::refcount;
    f.what = "refcount_t: underflow; use-after-free.";
    CHECK(title(r, f) == "WARNING: refcount bug in io_worker_release");
    f.kind = finding_kind::hang;
    f.chain = chain({"__io_wq_destroy", "wait_for_completion", "schedule"});
    CHECK(title(r, f) == "INFO: task hung in __io_wq_destroy");
    f.kind = finding_kind::leak;
    f.chain = chain({"io_wq_create", "kzalloc"});
    CHECK(title(r, f) == "memory leak in io_wq_create");
}

TEST_CASE("heap addresses are the arena offset on a fixed kernel-like base", "[report]")
{
    CHECK(heap_addr(0) == "ffff888100000000");
    CHECK(heap_addr(0x1234) == "ffff888100001234");
    CHECK(task_name(two_tasks(), 1) == "io_wqe_worker-0/2");
    CHECK(task_name(two_tasks(), 7) == "?");
}
