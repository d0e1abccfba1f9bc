#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checks/report/splat.h"

#include "checks/report/kernel-lines.h"

namespace iowq {

using model::rt::call_chain;
using model::rt::finding;
using model::rt::finding_kind;
using model::rt::kasan_bug;

// Frames a title skips, as syzbot skips the instrumentation and the primitives to name the
// function that made the bad access or blocked.
bool is_primitive(std::string_view f)
{
    static constexpr std::string_view prefixes[] = {"refcount_",
                                                    "atomic_",
                                                    "kasan",
                                                    "spin_",
                                                    "mutex_",
                                                    "__set_current_state",
                                                    "set_current_state",
                                                    "schedule",
                                                    "wait_for_completion",
                                                    "complete",
                                                    "init_completion",
                                                    "reinit_completion",
                                                    "kfree",
                                                    "kmalloc",
                                                    "kzalloc",
                                                    "kcalloc",
                                                    "rcu_",
                                                    "list_",
                                                    "__list",
                                                    "hlist_",
                                                    "__hlist",
                                                    "INIT_",
                                                    "wake_up",
                                                    "test_bit",
                                                    "set_bit",
                                                    "clear_bit",
                                                    "test_and_",
                                                    "kthread",
                                                    "get_task_struct",
                                                    "put_task_struct",
                                                    "__put_task_struct",
                                                    "delayed_put_task_struct",
                                                    "free_task",
                                                    "do_exit",
                                                    "ret_from_fork",
                                                    "percpu_ref",
                                                    "fdget",
                                                    "fdput",
                                                    "fput",
                                                    "get_file",
                                                    "signal_pending",
                                                    "flush_signals",
                                                    "send_sig",
                                                    "allow_kernel_signal",
                                                    "alloc_uid",
                                                    "free_uid",
                                                    "get_uid",
                                                    "alloc_file",
                                                    "filp_close",
                                                    "wq_list",
                                                    "wq_node"};
    return std::any_of(std::begin(prefixes), std::end(prefixes),
                       [f](std::string_view p) { return f.substr(0, p.size()) == p; });
}

// The innermost frame that is not a primitive, or the innermost one if all are.
std::string_view culprit(const call_chain &c)
{
    int depth = std::min(c.depth, model::rt::max_depth);
    for (int i = depth - 1; i >= 0; i--)
        if (!is_primitive(c.frame[i]))
            return c.frame[i];
    return c.innermost();
}

// The function a report's title names: the innermost frame that is neither a primitive nor
// inlined into its caller in the kernel (kernel-lines.def). A chain whose every frame is one or
// the other (a hand-made one, cut short) names its outermost frame that is not a primitive,
// the nearest to the caller it lacks, or failing that its innermost.
// syzkaller takes a title's function from a frame with an offset (io_wqe_wake_worker+0x430),
// which only a function compiled out of line has, and skips the primitives: its titles never
// name an inlined function (the seed's WARNING names io_wqe_wake_worker, not the four inlined
// frames printed above it).
std::string_view title_function(const call_chain &c)
{
    int depth = std::min(c.depth, model::rt::max_depth);
    for (int i = depth - 1; i >= 0; i--)
        if (!is_primitive(c.frame[i]) && !kernel_inlined(c.frame[i]))
            return c.frame[i];
    for (int i = 0; i < depth; i++)
        if (!is_primitive(c.frame[i]))
            return c.frame[i];
    return c.innermost();
}

// One line a frame, innermost first, in the kernel's coordinates: "function file:line", with
// "[inline]" where syzbot's reports show the function inlined, and the kernel's inline helper
// inside a primitive where the table names one. A frame the table does not place prints its
// name alone. `event` is what happened in the innermost frame (a WARN's condition), or "".
// In the model's coordinates, the names alone, as the model's frames hold them.
std::vector<std::string> frame_lines(const call_chain &c, std::string_view event, coordinates co)
{
    int depth = std::min(c.depth, model::rt::max_depth);
    std::vector<std::string_view> frames(c.frame, c.frame + depth);
    if (co == coordinates::kernel && !frames.empty()) {
        std::string_view helper = kernel_helper(frames.back());
        if (!helper.empty())
            frames.push_back(helper);
    }
    std::vector<std::string> lines;
    for (std::size_t i = frames.size(); i-- > 0;) {
        std::string line(frames[i]);
        if (co == coordinates::kernel) {
            bool innermost = i + 1 == frames.size();
            std::string where =
                kernel_location(frames[i], innermost ? std::string_view() : frames[i + 1],
                                innermost ? event : std::string_view());
            if (!where.empty())
                line += " " + where;
            if (kernel_inlined(frames[i]))
                line += " [inline]";
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

// The lines a report's first line is printed on: the innermost frame, and in the kernel's
// coordinates, as syzkaller's symbolizer prints the faulting address, one line a frame from the
// innermost out to the first one compiled out of line (the seed's five WARNING lines).
std::vector<std::string> header_lines(const call_chain &c, std::string_view event, coordinates co)
{
    if (co == coordinates::model)
        return {std::string(c.innermost())};
    std::vector<std::string> all = frame_lines(c, event, co), lines;
    for (const std::string &l : all) {
        lines.push_back(l);
        if (!l.ends_with(" [inline]"))
            break;
    }
    return lines;
}

namespace {

void call_trace(std::string &out, const call_chain &c, coordinates co, std::string_view event = {})
{
    out += "Call Trace:\n";
    for (const std::string &l : frame_lines(c, event, co))
        out += " " + l + "\n";
}

void stack(std::string &out, const call_chain &c, coordinates co)
{
    for (const std::string &l : frame_lines(c, {}, co))
        out += " " + l + "\n";
}

// Where a WARN or BUG fired: "file:line" in the kernel (or "" if the table does not say), or
// the model's own file:line.
std::string site_of(const finding &f, coordinates co)
{
    if (co == coordinates::model)
        return fmt::format("{}:{}", f.file, f.line);
    return kernel_location(f.chain.innermost(), {}, f.what);
}

const char *state_letter(const task_info &t)
{
    if (t.finished)
        return "X";
    if (!t.started)
        return "D (never woken)";
    switch (t.parked) {
    case model::rt::park_kind::sleep:
        return (t.state & 1) ? "S" : "D";
    case model::rt::park_kind::spin:
        return "R (spinning)";
    default:
        return "R";
    }
}

void task_states(std::string &out, const execution_record &r, coordinates co)
{
    for (const task_info &t : r.tasks) {
        if (t.index == 0)
            continue;  // init: setup and teardown only
        out += fmt::format("task:{:<16} state:{} pid:{}", t.comm, state_letter(t), t.pid);
        if (!t.finished && t.parked != model::rt::park_kind::none) {
            out += fmt::format(" waits in {}", t.wait_reason);
            if (!t.waits_for_holder.empty())
                out += fmt::format(" (held by {})", t.waits_for_holder);
            if (t.timer_armed)
                out += " with a timer pending";
        }
        for (const std::string &l : t.held)
            out += fmt::format(" holding {}", l);
        out += "\n";
        if (!t.finished && t.started)
            call_trace(out, t.chain, co);
    }
}

const model::rt::alloc_rec *alloc_of(const execution_record &r, const finding &f)
{
    if (f.alloc < 0 || static_cast<std::size_t>(f.alloc) >= r.allocs.size())
        return nullptr;
    return &r.allocs[static_cast<std::size_t>(f.alloc)];
}

const char *access_text(model::rt::access_op op)
{
    switch (op) {
    case model::rt::access_op::read:
        return "read";
    case model::rt::access_op::write:
        return "write";
    case model::rt::access_op::read_write:
        break;
    }
    return "read-write";
}

}  // namespace

std::pair<std::string_view, std::string_view> race_functions(const finding &f)
{
    std::string_view a = title_function(f.chain), b = title_function(f.other.chain);
    return a < b ? std::pair{a, b} : std::pair{b, a};
}

int task_pid(const execution_record &r, int task)
{
    if (task < 0 || static_cast<std::size_t>(task) >= r.tasks.size())
        return 0;
    return r.tasks[static_cast<std::size_t>(task)].pid;
}

std::string heap_addr(std::uintptr_t off)
{
    return fmt::format("{:016x}", model::rt::report_heap_base + off);
}

std::string task_name(const execution_record &r, int task)
{
    if (task < 0 || static_cast<std::size_t>(task) >= r.tasks.size())
        return "?";
    const task_info &t = r.tasks[static_cast<std::size_t>(task)];
    return fmt::format("{}/{}", t.comm, t.pid);
}

std::string title(const execution_record &r, const finding &f)
{
    (void)r;
    switch (f.kind) {
    case finding_kind::kasan: {
        auto bug = static_cast<kasan_bug>(f.sub);
        if (bug == kasan_bug::double_free || bug == kasan_bug::invalid_free)
            return fmt::format("KASAN: double-free or invalid-free in {}", title_function(f.chain));
        return fmt::format("KASAN: {} {} in {}", f.what, f.is_write ? "Write" : "Read",
                           title_function(f.chain));
    }
    case finding_kind::null_deref:
        return fmt::format("BUG: unable to handle kernel NULL pointer dereference in {}",
                           title_function(f.chain));
    case finding_kind::gpf:
        return fmt::format("general protection fault in {}", title_function(f.chain));
    case finding_kind::refcount:
        return fmt::format("WARNING: refcount bug in {}", title_function(f.chain));
    case finding_kind::warn:
        return fmt::format("WARNING in {}", title_function(f.chain));
    case finding_kind::bug:
        return fmt::format("kernel BUG in {}", title_function(f.chain));
    case finding_kind::lockdep:
        return fmt::format("WARNING: {} in {}", f.what, title_function(f.chain));
    case finding_kind::sleep_atomic:
        return fmt::format("BUG: scheduling while atomic in {}", title_function(f.chain));
    case finding_kind::hang:
        return fmt::format("INFO: task hung in {}", title_function(f.chain));
    case finding_kind::lost_wakeup:
        return fmt::format("INFO: lost wake-up: {}", f.what);
    case finding_kind::check:
        return fmt::format("CHECK FAILED: {}", f.what);
    case finding_kind::work:
        switch (static_cast<model::rt::work_bug>(f.sub)) {
        case model::rt::work_bug::never_completed:
            return fmt::format("io-wq: work never completed, queued in {}",
                               title_function(f.chain));
        case model::rt::work_bug::completed_twice:
            return fmt::format("io-wq: work completed twice in {}", title_function(f.chain));
        case model::rt::work_bug::queued_twice:
            return fmt::format("io-wq: work queued twice in {}", title_function(f.chain));
        }
        break;
    case finding_kind::leak:
        if (f.sub == static_cast<std::uint8_t>(model::rt::leak_kind::kthread))
            return "memory leak: a kernel thread outlives every task";
        if (f.sub == static_cast<std::uint8_t>(model::rt::leak_kind::counter))
            return fmt::format("leak: {} is {} {}, {} before", f.what,
                               static_cast<std::int64_t>(f.value_after),
                               f.at_free ? fmt::format("when its {} is freed", f.object)
                                         : std::string("after teardown"),
                               static_cast<std::int64_t>(f.value_before));
        return fmt::format("memory leak in {}", title_function(f.chain));
    case finding_kind::data_race: {
        // KCSAN names both functions, in alphabetical order, so that the same race gets the same
        // title whichever access came first.
        auto [a, b] = race_functions(f);
        return fmt::format("KCSAN: data-race in {} / {}", a, b);
    }
    case finding_kind::uninit:
        return fmt::format("uninit-value in {}", title_function(f.chain));
    case finding_kind::livelock:
        return fmt::format("BUG: soft lockup in {}", title_function(f.chain));
    case finding_kind::other:
        break;
    }
    return fmt::format("{} in {}", f.what, title_function(f.chain));
}

std::string format_finding(const execution_record &r, const finding &f, coordinates co)
{
    std::string out;
    std::string who = task_name(r, f.task);
    int pid = f.task >= 0 && static_cast<std::size_t>(f.task) < r.tasks.size()
                  ? r.tasks[static_cast<std::size_t>(f.task)].pid
                  : 0;
    const std::string rule(66, '=');
    // An oops line names the preemption model as the kernel's does: "[#1] PREEMPT SMP KASAN".
    const char *preempt = r.preempt ? "PREEMPT " : "";
    switch (f.kind) {
    case finding_kind::kasan: {
        auto bug = static_cast<kasan_bug>(f.sub);
        out += rule + "\n";
        if (bug == kasan_bug::double_free || bug == kasan_bug::invalid_free) {
            out += fmt::format("BUG: KASAN: double-free or invalid-free in {}\n\n",
                               title_function(f.chain));
        } else {
            for (const std::string &l : header_lines(f.chain, f.what, co))
                out += fmt::format("BUG: KASAN: {} in {}\n", f.what, l);
            out += fmt::format("{} of size {} at addr {} by task {}\n\n",
                               f.is_write ? "Write" : "Read", f.size, heap_addr(f.addr), who);
            if (f.race)
                out += "This access is not ordered before the free below: a schedule that "
                       "runs the free first\nmakes it a use-after-free (found as a race; the "
                       "schedule shown ran the access first).\n\n";
        }
        call_trace(out, f.chain, co, f.what);
        if (const auto *a = alloc_of(r, f)) {
            out += fmt::format("\nAllocated by task {}:\n", task_name(r, a->alloc_task));
            stack(out, a->alloc_chain, co);
            if (a->rcu_task >= 0) {
                out += fmt::format("\nLast call_rcu() (kfree_rcu) by task {}:\n",
                                   task_name(r, a->rcu_task));
                stack(out, a->rcu_chain, co);
            }
            if (a->free_task >= 0) {
                out += fmt::format("\nFreed by task {}:\n", task_name(r, a->free_task));
                stack(out, a->free_chain, co);
            }
            out += fmt::format("\nThe buggy address belongs to the object at {}\n which "
                               "belongs to {} of size {}\n",
                               heap_addr(a->off), a->type->name, a->bytes);
            if (bug != kasan_bug::double_free && bug != kasan_bug::invalid_free) {
                long delta = static_cast<long>(f.addr) - static_cast<long>(a->off);
                if (delta >= 0 && delta < static_cast<long>(a->bytes))
                    out += fmt::format("The buggy address is located {} bytes inside of\n", delta);
                else if (delta < 0)
                    out += fmt::format("The buggy address is located {} bytes to the left of\n",
                                       -delta);
                else
                    out += fmt::format("The buggy address is located {} bytes to the right of\n",
                                       delta - static_cast<long>(a->bytes));
                out += fmt::format(" {}-byte region [{}, {})\n", a->bytes, heap_addr(a->off),
                                   heap_addr(a->off + a->bytes));
            }
        }
        out += rule + "\n";
        // Which kernel the finding needs: the grace period before the free did not wait for
        // the task that made the access, which ran kernel code all along outside any
        // read-side region. Only a preemptible kernel lets a grace period pass such a task.
        // (A use-after-free found as a race happened in another schedule than the one
        // recorded: nothing is said about it.)
        if (const auto *a = alloc_of(r, f);
            a && !f.race && f.task >= 0 && f.task < 64 && (a->preempt_only >> f.task & 1))
            out += fmt::format(
                "\nThis needs a preemptible kernel (CONFIG_PREEMPT, as syzbot's): the grace "
                "period before the\nfree did not wait for {}, which ran kernel code outside "
                "any read-side section\nfrom its start to its end. With CONFIG_PREEMPT_NONE it "
                "would have waited (run --preempt none).\n",
                who);
        break;
    }
    case finding_kind::null_deref:
        out += fmt::format("BUG: kernel NULL pointer dereference, address: {:016x}\n", f.addr);
        out += fmt::format("#PF: supervisor {} access in kernel mode\n",
                           f.is_write ? "write" : "read");
        out += fmt::format("Oops: 0002 [#1] {}SMP KASAN\nCPU: 0 PID: {} Comm: {}\n", preempt, pid,
                           who);
        call_trace(out, f.chain, co, f.what);
        break;
    case finding_kind::gpf:
        out += fmt::format("general protection fault, probably for non-canonical address "
                           "0x{:016x}: 0000 [#1] {}SMP KASAN\nCPU: 0 PID: {} Comm: {}\n",
                           f.addr, preempt, pid, who);
        call_trace(out, f.chain, co, f.what);
        break;
    case finding_kind::refcount:
    case finding_kind::warn:
        out += "------------[ cut here ]------------\n";
        if (f.kind == finding_kind::refcount) {
            out += fmt::format("{}\n", f.what);
            out += fmt::format("WARNING: CPU: 0 PID: {} at lib/refcount.c refcount_warn_saturate\n",
                               pid);
        } else {
            std::string site = site_of(f, co);
            out += fmt::format("WARNING: CPU: 0 PID: {} at {}{}{}\n", pid, site,
                               site.empty() ? "" : " ", f.chain.innermost());
            out += fmt::format("condition: {}\n", f.what);
        }
        out += fmt::format("CPU: 0 PID: {} Comm: {}\n", pid, who);
        call_trace(out, f.chain, co, f.what);
        out += "---[ end trace ]---\n";
        break;
    case finding_kind::bug: {
        std::string site = site_of(f, co);
        out += fmt::format("kernel BUG at {}!\n", site.empty() ? f.chain.innermost() : site);
        out += fmt::format("invalid opcode: 0000 [#1] {}SMP KASAN\nCPU: 0 PID: {} Comm: {}\n",
                           preempt, pid, who);
        out += fmt::format("condition: {}\n", f.what);
        call_trace(out, f.chain, co, f.what);
        break;
    }
    case finding_kind::lockdep:
        out += rule + "\n";
        out += fmt::format("WARNING: {}{}{}\n", f.what, *f.object ? ": " : "", f.object);
        out += fmt::format("{} is running; the rule is broken in {}\n", who, culprit(f.chain));
        call_trace(out, f.chain, co, f.what);
        out += rule + "\n";
        break;
    case finding_kind::sleep_atomic:
        out += fmt::format("BUG: scheduling while atomic: {}\n", who);
        call_trace(out, f.chain, co, f.what);
        break;
    case finding_kind::hang:
    case finding_kind::lost_wakeup:
        if (f.kind == finding_kind::hang &&
            std::string_view(f.what) == model::rt::hang_hidden_by_timers) {
            // The hung task's own state is among the tasks' below.
            out += fmt::format("INFO: task {} {}\n", who, f.what);
            out += "(every other task sleeps too, and each timer still pending is a poll that "
                   "has nothing to do or an idle timeout that only starts the same sleep "
                   "again)\n";
        } else {
            if (f.kind == finding_kind::hang)
                out += "INFO: every task is blocked and no timer is pending: the system hangs\n";
            else
                out += fmt::format("INFO: lost wake-up: {}\n", f.what);
            out += fmt::format("(detected when {} blocked)\n", who);
        }
        task_states(out, r, co);
        break;
    case finding_kind::leak:
        if (f.sub == static_cast<std::uint8_t>(model::rt::leak_kind::counter)) {
            // MODEL: no kernel check prints this: the model's conservation oracle (a count
            // taken and never given back, or given back twice), in kmemleak's words.
            out += fmt::format("BUG: leaked count: {} is {}, {} when its object was set up\n",
                               f.what, static_cast<std::int64_t>(f.value_after),
                               static_cast<std::int64_t>(f.value_before));
            if (const auto *a = alloc_of(r, f))
                out += fmt::format("  object: {} at 0x{}, the count {} bytes inside it\n",
                                   a->type->name, heap_addr(a->off),
                                   static_cast<long>(f.addr) - static_cast<long>(a->off));
            if (f.at_free)
                out += fmt::format("  freed by task {}:\n", task_name(r, f.task));
            else
                out += fmt::format("  still allocated after teardown; set up by task {}:\n",
                                   task_name(r, f.task));
            for (const std::string &l : frame_lines(f.chain, {}, co))
                out += "    " + l + "\n";
            break;
        }
        out += "BUG: memory leak\n";
        if (f.sub == static_cast<std::uint8_t>(model::rt::leak_kind::kthread)) {
            // No object: kernel threads nobody will stop, and all they hold.
            out += fmt::format("{}; the tasks:\n", f.what);
            task_states(out, r, co);
        }
        if (const auto *a = alloc_of(r, f)) {
            out += fmt::format(
                "unreferenced object 0x{} (size {}):\n  comm \"{}\", pid {}\n", heap_addr(a->off),
                a->bytes,
                a->alloc_task >= 0 && static_cast<std::size_t>(a->alloc_task) < r.tasks.size()
                    ? r.tasks[static_cast<std::size_t>(a->alloc_task)].comm
                    : "?",
                a->alloc_task >= 0 && static_cast<std::size_t>(a->alloc_task) < r.tasks.size()
                    ? r.tasks[static_cast<std::size_t>(a->alloc_task)].pid
                    : 0);
            out += fmt::format("  object: {}\n  backtrace:\n", a->type->name);
            for (const std::string &l : frame_lines(a->alloc_chain, {}, co))
                out += "    " + l + "\n";
        }
        break;
    case finding_kind::data_race: {
        // As KCSAN prints it: the earlier access's stack, then the reporting one's, then what
        // the field held. MODEL: the model has no CPUs: the access lines name no cpu, and the
        // footer names the task.
        auto [a, b] = race_functions(f);
        out += rule + "\n";
        out += fmt::format("BUG: KCSAN: data-race in {} / {}\n\n", a, b);
        out += fmt::format("{} to 0x{} of {} bytes by task {}:\n", access_text(f.other.op),
                           heap_addr(f.addr), f.size, task_pid(r, f.other.task));
        stack(out, f.other.chain, co);
        out += fmt::format("\n{} to 0x{} of {} bytes by task {}:\n", access_text(f.op),
                           heap_addr(f.addr), f.size, pid);
        stack(out, f.chain, co);
        std::uint64_t was = f.other.value, now = f.is_write ? f.value_after : f.value_before;
        if (was != now)
            out += fmt::format("\nvalue changed: 0x{:0{}x} -> 0x{:0{}x}\n", was, 2 * f.size, now,
                               2 * f.size);
        if (const auto *a_ = alloc_of(r, f))
            out += fmt::format("\nThe address is {} bytes inside {} at {}\n",
                               static_cast<long>(f.addr) - static_cast<long>(a_->off),
                               a_->type->name, heap_addr(a_->off));
        out += fmt::format("\nReported by Kernel Concurrency Sanitizer on:\nPID: {} Comm: {}\n",
                           pid, who);
        out += rule + "\n";
        break;
    }
    case finding_kind::uninit:
        out += rule + "\n";
        for (const std::string &l : header_lines(f.chain, f.what, co))
            out += fmt::format("BUG: uninit-value in {}\n", l);
        out += fmt::format("{} of size {} at addr {} by task {}\n", f.is_write ? "write" : "read",
                           f.size, heap_addr(f.addr), who);
        call_trace(out, f.chain, co, f.what);
        if (const auto *a = alloc_of(r, f))
            out += fmt::format("\nThe address is {} bytes inside {} at {}\n",
                               static_cast<long>(f.addr) - static_cast<long>(a->off), a->type->name,
                               heap_addr(a->off));
        out += rule + "\n";
        break;
    case finding_kind::work: {
        // MODEL: no kernel check prints this: the model's completion oracle (a work io-wq was
        // handed and never ran or was cancelled, or did twice). The kernel would show what
        // follows from it, if anything: a ring's teardown that waits for ever, a double put.
        auto bug = static_cast<model::rt::work_bug>(f.sub);
        const auto *a = alloc_of(r, f);
        std::string where = a ? fmt::format("{} at 0x{}, the work {} bytes inside it",
                                            a->type->name, heap_addr(a->off),
                                            static_cast<long>(f.addr) - static_cast<long>(a->off))
                              : std::string("on a task's stack");
        if (bug == model::rt::work_bug::never_completed) {
            out += fmt::format("BUG: io-wq work never completed: neither run nor cancelled {}\n",
                               f.at_free ? "before it was freed" : "by the end of the execution");
            out += fmt::format("  work: {}\n  handed to io-wq by task {}:\n", where, who);
            for (const std::string &l : frame_lines(f.chain, {}, co))
                out += "    " + l + "\n";
            break;
        }
        bool twice = bug == model::rt::work_bug::completed_twice;
        out += fmt::format(
            "BUG: io-wq work {} twice: {} by task {}:\n", twice ? "completed" : "queued",
            twice ? "its function completes it again" : "handed to io-wq again", who);
        out += fmt::format("  work: {}\n", where);
        for (const std::string &l : frame_lines(f.chain, {}, co))
            out += "    " + l + "\n";
        out += fmt::format("  {} first by task {}:\n", twice ? "completed" : "handed over",
                           task_name(r, f.other.task));
        for (const std::string &l : frame_lines(f.other.chain, {}, co))
            out += "    " + l + "\n";
        break;
    }
    case finding_kind::check:
        out += fmt::format("CHECK FAILED: {}\n(seen by task {})\n", f.what, who);
        call_trace(out, f.chain, co, f.what);
        break;
    case finding_kind::livelock:
        // MODEL: the watchdog's "stuck for 22s" is an execution longer than the search's depth
        // limit (scheduling points): the task never gets out of a loop.
        out += fmt::format("watchdog: BUG: soft lockup - CPU#0 stuck! [{}:{}]\n", who, pid);
        out += "(the execution went past the depth limit without leaving this loop)\n";
        call_trace(out, f.chain, co, f.what);
        break;
    case finding_kind::other:
        out += fmt::format("iowq-check: {} (task {})\n", f.what, who);
        call_trace(out, f.chain, co, f.what);
        break;
    }
    return out;
}

}  // namespace iowq
