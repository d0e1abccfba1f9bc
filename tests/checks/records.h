// Pieces of the hand-made execution records the printers' tests print: a call chain from its
// frames, a task that started, and the WARNING in io_wqe_wake_worker (R8's) on a chain.
#pragma once

#include <initializer_list>

#include "checks/report/record.h"
#include "model/rt/types.h"

// The chain of `frames`, outermost first.
inline model::rt::call_chain chain(std::initializer_list<const char *> frames)
{
    model::rt::call_chain c;
    for (const char *f : frames)
        c.frame[c.depth++] = f;
    return c;
}

// Task `index` of the record, named `comm`, with pid index + 1, started.
inline iowq::task_info started_task(int index, const char *comm)
{
    iowq::task_info t;
    t.index = index;
    t.comm = comm;
    t.pid = index + 1;
    t.started = true;
    return t;
}

// An event of `task` at `c`: `op(expr)` of `kind`, `before` -> `after`, no object or target.
inline model::rt::event event_of(int task, const model::rt::call_chain &c,
                                 model::rt::event_kind kind, const char *op, const char *expr,
                                 long before, long after)
{
    model::rt::event e{};
    e.task = task;
    e.chain = c;
    e.kind = kind;
    e.op = op;
    e.expr = expr;
    e.before = before;
    e.after = after;
    e.target = -1;
    e.decision = -1;
    return e;
}

// The WARN_ON_ONCE(!acct->max_workers) of io_wqe_wake_worker (fs/io-wq.c:280 in the kernel,
// model/io-wq.cc:254 in the model as these records pretend), hit by `task` on `where`.
inline model::rt::finding wake_worker_warn(int task, const model::rt::call_chain &where)
{
    model::rt::finding f{};
    f.kind = model::rt::finding_kind::warn;
    f.what = "!acct->max_workers";
    f.file = "model/io-wq.cc";
    f.line = 254;
    f.task = task;
    f.chain = where;
    return f;
}
