#include "model/fixes.h"

const model_fix_info model_fixes[model_nr_fixes] = {
    {FIX_c4068bf898dd, "c4068bf898dd", "io-wq: fix use-after-free in io_wq_worker_running",
     "as upstream: wq->refs counts the manager and every worker; the manager wakes the workers "
     "it created when it fails"},
    {FIX_00c18640c243, "00c18640c243", "io_uring: make ctx cancel on exit targeted to actual ctx",
     "as upstream, with the cancel_all argument of 4f26bda1522c that it needs: the teardown "
     "cancels every queued request of the ring and signals every running one"},
    {FIX_e6ab8991c5d0, "e6ab8991c5d0", "io_uring: fix false WARN_ONCE",
     "as upstream: the WARN in io_wqe_wake_worker() becomes pr_warn_once(), and io_wq_create() "
     "refuses bounded == 0"},
    {FIX_83d6c39310b6, "83d6c39310b6",
     "io-wq: fix race between worker exiting and activating free worker",
     "activation walks the free list and counts only a worker that wake_up_process() actually "
     "woke; the exiting worker's wait for brief references is this era's schedule(), and it "
     "drops its running count under the lock through io_wqe_dec_running()"},
    {FIX_bf1daa4bfc77, "bf1daa4bfc77", "io-wq: only remove worker from free_list, if it was there",
     "as upstream: io_worker_exit() samples the flags and unlinks the free-list node only if "
     "IO_WORKER_F_FREE was set"},
    {FIX_8b3e78b5955a, "8b3e78b5955a",
     "io-wq: fix races around manager/worker creation and task exit",
     "its two halves for this era: the manager sets TASK_INTERRUPTIBLE before it scans for "
     "needed workers (a wake during the scan is then not lost) and goes back to TASK_RUNNING "
     "before it creates one, since creating blocks; create_io_worker() takes the worker's "
     "wq->refs reference before the thread exists (with c4068bf898dd's references)"},
    {FIX_d9b46f91b8fd, "d9b46f91b8fd",
     "PROPOSED, not upstream: io-wq: finish a new worker before publishing it (R11)",
     "docs/proposals/r11-create-io-worker-publish-last.txt: create_io_worker() charges the "
     "worker and takes its wq->refs reference first, sets its flags and counts it before it "
     "puts it on the lists, and wakes it before dropping wqe->lock"},
};

namespace {
constexpr unsigned all_fixes = FIX_c4068bf898dd | FIX_00c18640c243 | FIX_e6ab8991c5d0 |
                               FIX_83d6c39310b6 | FIX_bf1daa4bfc77 | FIX_8b3e78b5955a;
}

const model_version model_versions[4] = {
    {"buggy", 0, false, false, "fs/io-wq.c and fs/io_uring.c as 24369c2e3bb0 left them"},
    {"patched", all_fixes, false, false, "buggy with every upstream fix applied"},
    {"parent", 0, true, false, "eba6f5a330cf: the commit before, without IORING_SETUP_ATTACH_WQ"},
    {"whatif-no-rcu", all_fixes, false, true,
     "NOT THE KERNEL: patched, but io_worker_exit() frees the worker with kfree(), not "
     "kfree_rcu()"},
};

namespace {
unsigned g_fixes = 0;
bool g_parent = false;
bool g_no_rcu = false;
}  // namespace

void model_select(unsigned fixes, bool parent, bool whatif_no_rcu)
{
    g_fixes = fixes;
    g_parent = parent;
    g_no_rcu = whatif_no_rcu;
}

bool model_fixed(model_fix f)
{
    return (g_fixes & f) != 0;
}
bool model_is_parent()
{
    return g_parent;
}
bool model_whatif_no_rcu()
{
    return g_no_rcu;
}

const model_fix_info *model_find_fix(std::string_view id)
{
    if (id.size() < 7)
        return nullptr;
    const model_fix_info *found = nullptr;
    for (const model_fix_info &f : model_fixes) {
        if (std::string_view(f.id).substr(0, id.size()) == id.substr(0, 12)) {
            if (found)
                return nullptr;
            found = &f;
        }
    }
    return found;
}

const model_version *model_find_version(std::string_view name)
{
    for (const model_version &v : model_versions)
        if (name == v.name)
            return &v;
    return nullptr;
}
