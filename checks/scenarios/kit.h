// What the scenarios share: the user their tasks run as, io-wq work items with controlled
// behaviour, waiting on a ring's completions, a short sleep, and the scenarios' own checks.
#pragma once

#include <cstring>

#include "checks/scenarios/scenario.h"
#include "model/io-wq.h"
#include "model/io_uring.h"
#include "model/linux/bug.h"
#include "model/linux/capability.h"
#include "model/linux/slab.h"

namespace iowq::kit {

// The task_struct of the scenario's static task i.
inline task_struct *task_of(int i)
{
    return model::rt::task_at(i + 1);
}

// Gives each static task the same user (one reference, dropped by drop_user()), capabilities
// and RLIMIT_NPROC.
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

// A scenario_info::timeouts_for: only the unbound workers ("io_wqe_worker-1/..") have a timer
// that may fire, once each.
inline int unbound_workers_time_out_once(const char *comm)
{
    return std::strncmp(comm, "io_wqe_worker-1", 15) == 0 ? 1 : 0;
}

// The end of the scenario's prologue (scenario_info::prologue): the search explores from here.
inline void explore_from_here()
{
    model::rt::open_window();
}

// The task sleeps a moment (msleep()), so that what it woke gets to run.
inline void msleep_a_little()
{
    MODEL_FRAME_NAMED("msleep");
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule_timeout(1);
}

// A scenario's own check of what userspace saw: a finding if it does not hold.
void check(bool ok, const char *what);

// An io-wq work item whose function the scenario controls (for the io-wq-level scenarios,
// which queue work the way io_uring does, without a ring).
struct work_item {
    struct io_wq_work work;
    struct completion started;  // completed when its function starts
    struct completion release;  // a blocking item returns when this is completed
    struct completion done;     // completed when its function returns
    model_shared<int> cancelled;
    bool blocks = false;        // waits for `release`
    bool waits_for_io = false;  // sleeps until its timer fires, as a read waiting for data
};

work_item *new_work(bool unbound, bool blocks, bool waits_for_io = false);
void free_work(work_item *w);

// A scenario's program (runner.h): `tasks` static user tasks, all run as one user
// (with_user), and room for up to `kthreads` kernel threads (the manager and the workers).
template <int tasks, int kthreads>
struct program : with_user {
    static constexpr int nr_tasks = tasks;
    static constexpr int nr_kthreads = kthreads;
};

// The io-wq scenarios with three work items (r3, r4, r11), on an io_wq with one bound worker
// and RLIMIT_NPROC 1: X is bound and blocks until released (the fixed worker stays busy with
// it), Y is unbound (the manager creates an unbound worker for it), Z is bound or unbound.
template <int kthreads>
struct three_items : program<1, kthreads> {
    work_item *x = nullptr, *y = nullptr, *z = nullptr;
    void setup_items(bool z_unbound)
    {
        this->give_user(1, 1ul << CAP_SYS_ADMIN, 1);
        x = new_work(false, true);
        y = new_work(true, false);
        z = new_work(z_unbound, false);
    }
    void teardown()
    {
        free_work(x);
        free_work(y);
        free_work(z);
        this->drop_user();
    }
    // The submitter's common start, in its frame: io_wq_create(); on success the wq is stored
    // in `publish` if given, the search's window opens, X is queued and has started, and Y is
    // queued. nullptr if io_wq_create() failed.
    struct io_wq *create_and_queue_x_y(model_shared<struct io_wq *> *publish = nullptr)
    {
        struct io_wq_data data = {this->user, nullptr, nullptr};
        struct io_wq *wq = io_wq_create(1, &data);
        if (IS_ERR(wq))
            return nullptr;
        if (publish)
            WRITE_ONCE(*publish, wq);
        explore_from_here();
        io_wq_enqueue(wq, &x->work);
        wait_for_completion(&x->started);
        io_wq_enqueue(wq, &y->work);
        return wq;
    }
};

// The io_uring CQ of the ring scenarios, initialised.
void init_cq(struct io_uring_cq *cq);

// The scenarios with two rings sharing one io-wq (r6, base): ring A is set up and hands its
// file to ring B, which attaches to A's io-wq with IORING_SETUP_ATTACH_WQ. Tasks "ring-a" and
// "ring-b", as a user without capabilities.
template <int kthreads>
struct two_rings : program<2, kthreads> {
    static constexpr const char *task_names[] = {"ring-a", "ring-b"};
    struct io_uring_cq cq_a, cq_b;
    model_shared<struct file *> a_for_b;
    struct completion a_ready;

    void setup_rings()
    {
        this->give_user(2, 0, 4096);
        init_cq(&cq_a);
        init_cq(&cq_b);
        init_completion(&a_ready);
    }
    // Ring A's start, in its task's frame: io_uring_setup(); the search's window opens; A's
    // file (a reference of its own) is handed to B, or nothing if the setup failed. A's file,
    // or nullptr.
    struct file *set_up_a()
    {
        struct io_uring_params p = {};
        p.cq = &cq_a;
        struct file *a = io_uring_setup(4, &p);
        explore_from_here();
        if (!IS_ERR(a))
            WRITE_ONCE(a_for_b, get_file(a));
        complete(&a_ready);
        return IS_ERR(a) ? nullptr : a;
    }
    // Ring B's start, in its task's frame: once A handed its file over, io_uring_setup() with
    // IORING_SETUP_ATTACH_WQ on it, then close that reference. nullptr if A had no ring to
    // hand over; else what io_uring_setup() returned (an ERR_PTR if the attach failed).
    struct file *attach_b()
    {
        wait_for_completion(&a_ready);
        struct file *a = READ_ONCE(a_for_b);
        if (!a)
            return nullptr;
        struct io_uring_params p = {};
        p.flags = IORING_SETUP_ATTACH_WQ;
        p.wq_fd = a;
        p.cq = &cq_b;
        struct file *b = io_uring_setup(4, &p);
        model_close(a);
        return b;
    }
};

}  // namespace iowq::kit
