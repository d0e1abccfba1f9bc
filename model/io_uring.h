// The part of fs/io_uring.c (about v5.6, source S3) that touches io-wq: ring setup with and
// without IORING_SETUP_ATTACH_WQ, submission of requests that io-wq runs, and teardown.
//
// MODEL: only what the lifecycle of io-wq and of the ring depends on is here; docs/
// model-mapping.md says what each function keeps and what it leaves out. The SQ and CQ rings
// are not modelled: io_uring_enter() takes the SQEs it would read, and a completion is
// counted in the ctx. SQPOLL, IOPOLL, timeouts, polls, registered files and buffers,
// personalities and the CQ overflow list are left out (none of them exists in the scenarios).
#pragma once

#include "model/io-wq.h"
#include "model/linux/fs.h"
#include "model/linux/mutex.h"
#include "model/linux/percpu-refcount.h"

#define IORING_SETUP_IOPOLL (1U << 0)
#define IORING_SETUP_SQPOLL (1U << 1)
#define IORING_SETUP_SQ_AFF (1U << 2)
#define IORING_SETUP_CQSIZE (1U << 3)
#define IORING_SETUP_CLAMP (1U << 4)
#define IORING_SETUP_ATTACH_WQ (1U << 5)

#define IOSQE_FIXED_FILE (1U << 0)
#define IOSQE_IO_DRAIN (1U << 1)
#define IOSQE_IO_LINK (1U << 2)
#define IOSQE_IO_HARDLINK (1U << 3)
#define IOSQE_ASYNC (1U << 4)

enum {
    IORING_OP_NOP = 0,
    IORING_OP_READV = 1,
    IORING_OP_WRITEV = 2,
    IORING_OP_READ = 22,
    IORING_OP_WRITE = 23,
};

// MODEL: the CQ ring, as userspace sees it: how many completions were posted, how many
// with -ECANCELED or -EINTR. It belongs to the caller of io_uring_setup() and outlives the
// ring, so that a check can read it after teardown.
struct io_uring_cq {
    model_var<unsigned> posted;
    model_var<unsigned> cancelled;
    model_var<unsigned> interrupted;
    // Completed once per CQE: what io_uring_enter(IORING_ENTER_GETEVENTS) waits for.
    struct completion ev;
};

// What userspace passes to io_uring_setup(). MODEL: wq_fd is the ring's file itself (the
// model has no fd table); cq is where completions are counted.
struct io_uring_params {
    unsigned sq_entries;
    unsigned cq_entries;
    unsigned flags;
    struct file *wq_fd;
    struct io_uring_cq *cq;
};

// One submission queue entry, as io_uring_enter() would read it from the SQ ring.
struct io_uring_sqe {
    unsigned char opcode;
    unsigned char flags;
    struct file *fd;
    unsigned long long user_data;
};

enum {
    REQ_F_NOWAIT = 1,
    REQ_F_LINK = 4,
    REQ_F_FAIL_LINK = 8,
    REQ_F_FORCE_ASYNC = 64,
    REQ_F_ISREG = 2048,
    REQ_F_MUST_PUNT = 4096,
};

struct io_ring_ctx {
    struct percpu_ref refs;
    model_var<unsigned> flags;
    model_var<unsigned> sq_entries;
    model_var<struct user_struct *> user;
    model_var<const struct cred *> creds;
    // Completions of the percpu ref reaching zero ([0]); [1] is the SQ thread's, unused.
    model_var<struct completion *> completions;
    struct mutex uring_lock;
    spinlock_t completion_lock;
    model_var<struct io_wq *> io_wq;
    model_var<struct io_uring_cq *> cq;
};

struct io_kiocb {
    model_var<struct file *> file;
    model_var<struct io_ring_ctx *> ctx;
    model_var<unsigned char> opcode;
    refcount_t refs;
    model_var<unsigned> flags;
    model_var<unsigned long long> user_data;
    model_var<int> result;
    model_var<struct io_kiocb *> link;  // MODEL: the link_list holds at most one request
    model_var<bool> in_async;
    struct io_wq_work work;
};

// The ring's file operations (io_uring_fops): flush on every close, release on the last.
extern const struct file_operations io_uring_fops;

// io_uring_setup(2): returns the ring's file, or an error pointer.
struct file *io_uring_setup(unsigned entries, struct io_uring_params *p);
// io_uring_enter(2) with to_submit SQEs; returns how many were submitted, or an error.
int io_uring_enter(struct file *fd, const struct io_uring_sqe *sqes, unsigned to_submit);

// How many CPUs io_init_wq_offload() sees online (it sizes the bound workers by it).
void model_set_online_cpus(int n);
