// fs/io_uring.c (about v5.6, S3): the functions on the way from io_uring_setup(),
// io_uring_enter() and close() to io-wq, in the order the kernel defines them.
//
// Markers as in io-wq.cc: MODEL: for a deviation, FIX(<commit>) at a fix site, MUTANT(<name>)
// for the mutation test only.
#include "model/io_uring.h"

#include <algorithm>

#include "model/fixes.h"
#include "model/linux/bug.h"
#include "model/linux/err.h"
#include "model/linux/slab.h"
#include "model/mutants.h"

namespace {
int g_online_cpus = 2;
}

void model_set_online_cpus(int n)
{
    g_online_cpus = n;
}
static int num_online_cpus(void)
{
    return g_online_cpus;
}

static void io_wq_submit_work(struct io_wq_work **workptr);
static void io_put_req(struct io_kiocb *req);

// The ctx's percpu ref reached zero after the kill: every request is gone.
static void io_ring_ctx_ref_free(struct percpu_ref *ref)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx = container_of(ref, struct io_ring_ctx, refs);

    complete(&ctx->completions[0]);
}

static struct io_ring_ctx *io_ring_ctx_alloc(struct io_uring_params *p)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx;

    ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
    if (!ctx)
        return nullptr;

    ctx->completions = kmalloc(2 * sizeof(struct completion), GFP_KERNEL);
    if (!ctx->completions) {
        kfree(ctx);
        return nullptr;
    }

    // MODEL: the conservation oracle (compiler.h): every request's reference on the ring is
    // dropped, and the ring's own killed, by the time the ctx is freed.
    model_conserve(&ctx->refs, "ctx->refs");
    percpu_ref_init(&ctx->refs, io_ring_ctx_ref_free, PERCPU_REF_ALLOW_REINIT, GFP_KERNEL);

    ctx->flags = p->flags;
    init_completion(&ctx->completions[0]);
    init_completion(&ctx->completions[1]);
    mutex_init(&ctx->uring_lock);
    spin_lock_init(&ctx->completion_lock);
    ctx->cq = p->cq;
    return ctx;
}

// io_req_work_grab_env(): the submitter's context, for the worker to run the request in.
static void io_req_work_grab_env(struct io_kiocb *req)
{
    MODEL_FRAME();
    if (!req->work.mm)
        req->work.mm = current->mm;
    if (!req->work.creds)
        req->work.creds = current->cred;
    if (!req->work.task_pid)
        req->work.task_pid = task_pid_vnr(current);
}

// Regular files get hashed work (writes only, in this version), others unbound work if the
// opcode may block forever on them.
static bool io_prep_async_work(struct io_kiocb *req, struct io_kiocb **link)
{
    MODEL_FRAME();
    bool do_hashed = false;
    unsigned char op = req->opcode;
    bool hash_reg_file = op == IORING_OP_WRITEV;
    bool unbound_nonreg_file = op == IORING_OP_READV || op == IORING_OP_WRITEV ||
                               op == IORING_OP_READ || op == IORING_OP_WRITE;

    if (req->flags & REQ_F_ISREG) {
        if (hash_reg_file)
            do_hashed = true;
    } else {
        if (unbound_nonreg_file)
            req->work.flags |= IO_WQ_WORK_UNBOUND;
    }

    io_req_work_grab_env(req);

    // MODEL: linked timeouts are not modelled.
    *link = nullptr;
    return do_hashed;
}

static void io_queue_async_work(struct io_kiocb *req)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx = req->ctx;
    struct io_kiocb *link;
    bool do_hashed;

    do_hashed = io_prep_async_work(req, &link);

    if (!do_hashed) {
        io_wq_enqueue(ctx->io_wq, &req->work);
    } else {
        struct file *file = req->file;
        io_wq_enqueue_hashed(ctx->io_wq, &req->work, file_inode(file));
    }
}

// Every request holds two references: one for submission, one for completion; and one
// reference to the ctx, taken in io_submit_sqes().
static struct io_kiocb *io_get_req(struct io_ring_ctx *ctx)
{
    MODEL_FRAME();
    struct io_kiocb *req;

    // MODEL: the fallback request for when the slab is exhausted is not modelled.
    req = kmalloc(sizeof(*req), GFP_KERNEL);
    if (!req) {
        percpu_ref_put(&ctx->refs);
        return nullptr;
    }

    req->file = nullptr;
    req->ctx = ctx;
    req->flags = 0;
    // MODEL: the conservation oracle (compiler.h): both references are dropped by the free.
    model_conserve(&req->refs, "req->refs");
    refcount_set(&req->refs, 2);
    req->result = 0;
    req->link = nullptr;
    req->in_async = false;
    INIT_IO_WORK(&req->work, io_wq_submit_work);
    return req;
}

static void __io_free_req(struct io_kiocb *req)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx = req->ctx;
    struct file *file = req->file;

    if (file)
        fput(file);
    // MODEL: io_req_work_drop_env() drops references on the opaque mm/creds: nothing to do.
    if (!MUTANT(free_req_keeps_ctx))
        percpu_ref_put(&ctx->refs);
    // MODEL: the kernel checks req against ctx->fallback_req here, after the put above (the
    // notes flag that order); without the fallback request the model frees directly.
    kfree(req);
}

// The next request of a link, or nullptr; a failed link fails its successor.
static void io_req_find_next(struct io_kiocb *req, struct io_kiocb **nxt)
{
    MODEL_FRAME();
    struct io_kiocb *next;

    if (!(req->flags & REQ_F_LINK))
        return;
    next = req->link;
    req->link = nullptr;
    if (!next)
        return;
    if (req->flags & REQ_F_FAIL_LINK) {
        // io_fail_links(): the successor completes with -ECANCELED and both its references go.
        struct io_ring_ctx *ctx = next->ctx;
        unsigned long flags;
        spin_lock_irqsave(&ctx->completion_lock, flags);
        struct io_uring_cq *cq = ctx->cq;
        if (cq) {
            cq->posted++;
            cq->cancelled++;
        }
        spin_unlock_irqrestore(&ctx->completion_lock, flags);
        if (cq)
            complete(&cq->ev);
        if (refcount_sub_and_test(2, &next->refs))
            __io_free_req(next);
        return;
    }
    *nxt = next;
}

static void io_free_req(struct io_kiocb *req)
{
    MODEL_FRAME();
    struct io_kiocb *nxt = nullptr;

    io_req_find_next(req, &nxt);
    __io_free_req(req);

    // A released successor always goes to io-wq from here.
    if (nxt)
        io_queue_async_work(nxt);
}

static void io_put_req_find_next(struct io_kiocb *req, struct io_kiocb **nxtptr)
{
    MODEL_FRAME();
    io_req_find_next(req, nxtptr);

    if (refcount_dec_and_test(&req->refs))
        __io_free_req(req);
}

static void io_put_req(struct io_kiocb *req)
{
    MODEL_FRAME();
    if (refcount_dec_and_test(&req->refs))
        io_free_req(req);
}

static void req_set_fail_links(struct io_kiocb *req)
{
    if ((req->flags & (REQ_F_LINK | REQ_F_FAIL_LINK)) == REQ_F_LINK)
        req->flags |= REQ_F_FAIL_LINK;
}

// MODEL: posting a CQE is counting it in the caller's io_uring_cq; nobody waits on the CQ
// ring in the scenarios.
static void io_cqring_add_event(struct io_kiocb *req, long res)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx = req->ctx;
    unsigned long flags;

    spin_lock_irqsave(&ctx->completion_lock, flags);
    struct io_uring_cq *cq = ctx->cq;
    if (cq) {
        cq->posted++;
        if (res == -ECANCELED)
            cq->cancelled++;
        if (res == -EINTR)
            cq->interrupted++;
    }
    req->result = static_cast<int>(res);
    spin_unlock_irqrestore(&ctx->completion_lock, flags);
    // io_cqring_ev_posted(): wake whoever waits for events.
    if (cq)
        complete(&cq->ev);
}

// A linked successor runs on the same worker, right after this one; it is never hashed.
static void io_wq_assign_next(struct io_wq_work **workptr, struct io_kiocb *nxt)
{
    MODEL_FRAME();
    struct io_kiocb *link;

    io_prep_async_work(nxt, &link);
    *workptr = &nxt->work;
}

// MODEL: what an opcode does. NOP completes; a read or write of a file that does not block
// completes at once; one of a file that blocks (a pipe with no data) cannot be done without
// blocking (-EAGAIN, and io_uring punts it), and in a worker it sleeps until the data comes:
// a timed sleep whose timer stands for the data's arrival, and which a signal ends early
// (-EINTR). The result is posted and the completion reference dropped, as every op does.
static int io_issue_sqe(struct io_kiocb *req, struct io_kiocb **nxt, bool force_nonblock)
{
    MODEL_FRAME();
    long ret = 0;
    struct file *file = req->file;

    switch (static_cast<unsigned char>(req->opcode)) {
    case IORING_OP_NOP:
        break;
    case IORING_OP_READV:
    case IORING_OP_READ:
    case IORING_OP_WRITEV:
    case IORING_OP_WRITE:
        if (!file->read_blocks)
            break;
        if (force_nonblock) {
            // A pipe does not support non-blocking io_uring I/O: it must be punted.
            req->flags |= REQ_F_MUST_PUNT;
            return -EAGAIN;
        }
        set_current_state(TASK_INTERRUPTIBLE);
        if (!signal_pending(current))
            schedule_timeout(HZ);
        __set_current_state(TASK_RUNNING);
        if (signal_pending(current))
            ret = -EINTR;
        break;
    default:
        ret = -EINVAL;
        break;
    }

    if (ret < 0)
        req_set_fail_links(req);
    io_cqring_add_event(req, ret);
    io_put_req_find_next(req, nxt);
    return 0;
}

// The function io-wq runs for every request it was given.
static void io_wq_submit_work(struct io_wq_work **workptr)
{
    MODEL_FRAME();
    struct io_wq_work *work = *workptr;
    struct io_kiocb *req = container_of(work, struct io_kiocb, work);
    struct io_kiocb *nxt = nullptr;
    int ret = 0;

    if ((work->flags & (IO_WQ_WORK_CANCEL | IO_WQ_WORK_NO_CANCEL)) == IO_WQ_WORK_CANCEL)
        ret = -ECANCELED;

    if (!ret) {
        req->in_async = true;
        do {
            ret = io_issue_sqe(req, &nxt, false);
            // MODEL: the kernel retries -EAGAIN here (polled I/O short of request slots); the
            // model's ops never return it when they may block.
        } while (ret == -EAGAIN);
    }

    // Drop the submission reference.
    io_put_req(req);

    if (ret) {
        req_set_fail_links(req);
        io_cqring_add_event(req, ret);
        io_put_req(req);
    }

    if (!ret && nxt)
        io_wq_assign_next(workptr, nxt);
}

static void __io_queue_sqe(struct io_kiocb *req)
{
    MODEL_FRAME();
    struct io_kiocb *nxt = nullptr;
    int ret;

again:
    ret = io_issue_sqe(req, &nxt, true);

    // Could not be done without blocking: hand it to io-wq, which drops the submission
    // reference when it has run it.
    if (ret == -EAGAIN && (!(req->flags & REQ_F_NOWAIT) || (req->flags & REQ_F_MUST_PUNT))) {
        io_queue_async_work(req);
        goto done_req;
    }

    // Drop the submission reference.
    io_put_req(req);

    if (ret) {
        io_cqring_add_event(req, ret);
        req_set_fail_links(req);
        io_put_req(req);
    }
done_req:
    if (nxt) {
        req = nxt;
        nxt = nullptr;

        if (req->flags & REQ_F_FORCE_ASYNC) {
            io_queue_async_work(req);
            return;
        }
        goto again;
    }
}

static void io_queue_sqe(struct io_kiocb *req)
{
    MODEL_FRAME();
    // MODEL: io_req_defer() has nothing to defer (no IOSQE_IO_DRAIN in the model).
    if (req->flags & REQ_F_FORCE_ASYNC) {
        // io_req_defer_prep() grabs the environment here for forced-async requests.
        io_req_work_grab_env(req);
        // Forced-async work may run in parallel with other work of its wqe.
        req->work.flags |= IO_WQ_WORK_CONCURRENT;
        io_queue_async_work(req);
    } else {
        __io_queue_sqe(req);
    }
}

static void io_queue_link_head(struct io_kiocb *req)
{
    MODEL_FRAME();
    io_queue_sqe(req);
}

static bool io_submit_sqe(struct io_kiocb *req, const struct io_uring_sqe *sqe,
                          struct io_kiocb **link)
{
    MODEL_FRAME();
    unsigned sqe_flags = sqe->flags;

    req->opcode = sqe->opcode;
    req->user_data = sqe->user_data;
    if (sqe_flags & IOSQE_ASYNC)
        req->flags |= REQ_F_FORCE_ASYNC;

    // io_req_set_file(): the request holds a reference to its file.
    if (sqe->fd) {
        req->file = get_file(sqe->fd);
        if (sqe->fd->regular)
            req->flags |= REQ_F_ISREG;
    }

    if (*link) {
        struct io_kiocb *head = *link;

        // The linked request's environment is grabbed when it is prepared.
        io_req_work_grab_env(req);
        head->link = req;
        if (!(sqe_flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK))) {
            io_queue_link_head(head);
            *link = nullptr;
        }
    } else if (sqe_flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) {
        req->flags |= REQ_F_LINK;
        io_req_work_grab_env(req);
        *link = req;
    } else {
        io_queue_sqe(req);
    }

    return true;
}

static int io_submit_sqes(struct io_ring_ctx *ctx, const struct io_uring_sqe *sqes, unsigned nr)
{
    MODEL_FRAME();
    __must_hold(ctx->uring_lock.wait_lock);
    struct io_kiocb *link = nullptr;
    int submitted = 0;

    // One ctx reference per request, taken up front.
    if (!percpu_ref_tryget_many(&ctx->refs, nr))
        return -EAGAIN;

    for (unsigned i = 0; i < nr; i++) {
        struct io_kiocb *req;

        req = io_get_req(ctx);
        if (unlikely(!req)) {
            if (!submitted)
                submitted = -EAGAIN;
            break;
        }

        submitted++;
        if (!io_submit_sqe(req, &sqes[i], &link))
            break;
    }

    if (submitted != static_cast<int>(nr)) {
        int ref_used = (submitted == -EAGAIN) ? 0 : submitted;

        percpu_ref_put_many(&ctx->refs, nr - ref_used);
    }
    if (link)
        io_queue_link_head(link);

    return submitted;
}

// MODEL: SQPOLL is not modelled, so there is no SQ thread to stop.
static void io_sq_thread_stop(struct io_ring_ctx *ctx)
{
    (void)ctx;
}

static void io_finish_async(struct io_ring_ctx *ctx)
{
    MODEL_FRAME();
    io_sq_thread_stop(ctx);

    if (ctx->io_wq) {
        if (!MUTANT(finish_no_destroy))
            io_wq_destroy(ctx->io_wq);
        ctx->io_wq = nullptr;
    }
}

// io-wq's get_work/put_work: a reference on the request while a worker runs it.
static void io_get_work(struct io_wq_work *work)
{
    MODEL_FRAME();
    struct io_kiocb *req = container_of(work, struct io_kiocb, work);

    refcount_inc(&req->refs);
}

static void io_put_work(struct io_wq_work *work)
{
    MODEL_FRAME();
    struct io_kiocb *req = container_of(work, struct io_kiocb, work);

    io_put_req(req);
}

static int io_init_wq_offload(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
    MODEL_FRAME();
    struct io_wq_data data;
    struct fd f;
    struct io_ring_ctx *ctx_attach;
    unsigned int concurrency;
    int ret = 0;

    data.user = ctx->user;
    data.get_work = io_get_work;
    data.put_work = io_put_work;

    if (!(p->flags & IORING_SETUP_ATTACH_WQ)) {
        // Do QD, or 4 * CPUS, whatever is smallest.
        concurrency = std::min(static_cast<unsigned>(ctx->sq_entries),
                               static_cast<unsigned>(4 * num_online_cpus()));
        struct io_wq *wq = io_wq_create(concurrency, &data);
        if (IS_ERR(wq)) {
            ret = static_cast<int>(PTR_ERR(wq));
            ctx->io_wq = nullptr;
        } else {
            ctx->io_wq = wq;
        }
        return ret;
    }

    f = fdget(p->wq_fd);
    if (!f.file)
        return -EBADF;

    if (f.file->f_op != &io_uring_fops) {
        ret = -EINVAL;
        goto out_fput;
    }

    // The held descriptor keeps the other ring, and so its io-wq, alive for the attach.
    ctx_attach = static_cast<struct io_ring_ctx *>(static_cast<void *>(f.file->private_data));
    if (!io_wq_get(ctx_attach->io_wq, &data)) {
        ret = -EINVAL;
        goto out_fput;
    }

    ctx->io_wq = static_cast<struct io_wq *>(ctx_attach->io_wq);
out_fput:
    fdput(f);
    return ret;
}

static int io_sq_offload_start(struct io_ring_ctx *ctx, struct io_uring_params *p)
{
    MODEL_FRAME();
    int ret;

    // MODEL: mmgrab(current->mm) and the SQPOLL thread are not modelled.
    if (p->flags & IORING_SETUP_SQPOLL)
        return -EINVAL;

    ret = io_init_wq_offload(ctx, p);
    if (ret)
        goto err;

    return 0;
err:
    io_finish_async(ctx);
    return ret;
}

static void io_ring_ctx_free(struct io_ring_ctx *ctx)
{
    MODEL_FRAME();
    io_finish_async(ctx);
    percpu_ref_exit(&ctx->refs);
    free_uid(ctx->user);
    put_cred(ctx->creds);
    kfree(ctx->completions);
    kfree(ctx);
}

// FIX(00c18640c243): the ring's own requests, and only those, are what its teardown cancels.
static bool io_cancel_ctx_cb(struct io_wq_work *work, void *data)
{
    MODEL_FRAME();
    struct io_kiocb *req = container_of(work, struct io_kiocb, work);

    return req->ctx == data;
}

static void io_ring_ctx_wait_and_kill(struct io_ring_ctx *ctx)
{
    MODEL_FRAME();
    mutex_lock(&ctx->uring_lock);
    percpu_ref_kill(&ctx->refs);
    mutex_unlock(&ctx->uring_lock);

    // MODEL: no SQ thread to wait for; io_kill_timeouts() and io_poll_remove_all() find
    // nothing (no timeouts or polls in the model).

    if (ctx->io_wq) {
        if (model_fixed(FIX_00c18640c243)) {
            // FIX(00c18640c243): every request of this ring, queued or running, and no other.
            io_wq_cancel_cb(ctx->io_wq, io_cancel_ctx_cb, ctx, true);
        } else {
            // On a wq shared with another ring, this cancels that ring's work too, for good
            // (R6).
            io_wq_cancel_all(ctx->io_wq);
        }
    }

    // MODEL: io_iopoll_reap_events() and the forced CQ overflow flush find nothing.

    // Every request holds a ctx reference: this waits until all of them are freed.
    wait_for_completion(&ctx->completions[0]);
    io_ring_ctx_free(ctx);
}

static int io_uring_release(struct inode *inode, struct file *file)
{
    MODEL_FRAME();
    (void)inode;
    struct io_ring_ctx *ctx =
        static_cast<struct io_ring_ctx *>(static_cast<void *>(file->private_data));

    file->private_data = nullptr;
    io_ring_ctx_wait_and_kill(ctx);
    return 0;
}

// MODEL: only requests whose opcode takes the files table (accept, openat, close, ...) are
// on the inflight list; the model's opcodes never are, so there is nothing to cancel here.
static void io_uring_cancel_files(struct io_ring_ctx *ctx, struct files_struct *files)
{
    MODEL_FRAME();
    (void)ctx;
    (void)files;
}

static int io_uring_flush(struct file *file, void *data)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx =
        static_cast<struct io_ring_ctx *>(static_cast<void *>(file->private_data));

    io_uring_cancel_files(ctx, static_cast<struct files_struct *>(data));
    // A task that is going away cancels the io-wq work it submitted.
    if (fatal_signal_pending(current) || (current->flags & PF_EXITING))
        io_wq_cancel_pid(ctx->io_wq, task_pid_vnr(current));
    return 0;
}

const struct file_operations io_uring_fops = {
    .flush = io_uring_flush,
    .release = io_uring_release,
};

int io_uring_enter(struct file *fd, const struct io_uring_sqe *sqes, unsigned to_submit)
{
    MODEL_FRAME();
    struct io_ring_ctx *ctx;
    int submitted = 0;
    struct fd f;
    int ret = 0;

    f = fdget(fd);
    if (!f.file) {
        model::rt::rcu_user_mode();  // MODEL: the system call's exit path, as below
        return -EBADF;
    }

    ret = -EOPNOTSUPP;
    if (f.file->f_op != &io_uring_fops)
        goto out_fput;

    ret = -ENXIO;
    ctx = static_cast<struct io_ring_ctx *>(static_cast<void *>(f.file->private_data));
    if (!percpu_ref_tryget(&ctx->refs))
        goto out_fput;

    ret = 0;
    if (to_submit) {
        mutex_lock(&ctx->uring_lock);
        submitted = io_submit_sqes(ctx, sqes, to_submit);
        mutex_unlock(&ctx->uring_lock);
    }

    percpu_ref_put(&ctx->refs);
out_fput:
    fdput(f);
    // MODEL: back to user mode, a quiescent state under CONFIG_PREEMPT_NONE (model/rt/rcu.cc);
    // the kernel passes it on the system call's exit path.
    model::rt::rcu_user_mode();
    return submitted ? submitted : ret;
}

// anon_inode_getfile(): the ring's file, holding the ctx.
static struct file *io_uring_get_fd(struct io_ring_ctx *ctx)
{
    MODEL_FRAME();
    struct file *file = model_open(false, false);

    file->f_op = &io_uring_fops;
    file->private_data = ctx;
    return file;
}

static struct file *io_uring_create(unsigned entries, struct io_uring_params *p)
{
    MODEL_FRAME();
    struct user_struct *user = nullptr;
    struct io_ring_ctx *ctx;
    int ret;

    if (!entries)
        return ERR_PTR<struct file>(-EINVAL);

    user = get_uid(current_user());

    ctx = io_ring_ctx_alloc(p);
    if (!ctx) {
        free_uid(user);
        return ERR_PTR<struct file>(-ENOMEM);
    }
    ctx->user = user;
    ctx->creds = current->cred;
    ctx->sq_entries = entries;

    ret = io_sq_offload_start(ctx, p);
    if (ret)
        goto err;

    return io_uring_get_fd(ctx);
err:
    io_ring_ctx_wait_and_kill(ctx);
    return ERR_PTR<struct file>(ret);
}

struct file *io_uring_setup(unsigned entries, struct io_uring_params *p)
{
    MODEL_FRAME();
    unsigned allowed = IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF |
                       IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_ATTACH_WQ;

    // eba6f5a330cf, the parent of 24369c2e, did not know IORING_SETUP_ATTACH_WQ.
    if (model_is_parent())
        allowed &= ~IORING_SETUP_ATTACH_WQ;
    // MODEL: each return goes back to user mode, a quiescent state under CONFIG_PREEMPT_NONE
    // (model/rt/rcu.cc); the kernel passes it on the system call's exit path.
    if (p->flags & ~allowed) {
        model::rt::rcu_user_mode();
        return ERR_PTR<struct file>(-EINVAL);
    }

    struct file *ret = io_uring_create(entries, p);
    model::rt::rcu_user_mode();
    return ret;
}
