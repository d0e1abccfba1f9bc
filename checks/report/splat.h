// Kernel-style text for findings: titles as syzbot would give them, and the report block as
// KASAN, a WARNING, an oops, kmemleak or the hung-task detector would print it. Pure
// functions of an execution_record: this code never runs inside Relacy's fibers.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "checks/report/record.h"

namespace iowq {

// One line naming the finding, e.g. "KASAN: use-after-free Read in refcount_inc_not_zero".
std::string title(const execution_record &r, const model::rt::finding &f);
// The report block, e.g. the "BUG: KASAN: ..." block with the allocation and free stacks.
std::string format_finding(const execution_record &r, const model::rt::finding &f);
// Whether a kernel function name is one of the primitives (refcount_*, spin_*, schedule, ...)
// that titles and schedules skip to name the function at fault.
bool is_primitive(std::string_view f);
// The innermost frame of a chain that is not a primitive.
std::string_view culprit(const model::rt::call_chain &c);
// "comm/pid" of a task index, as the kernel prints a task.
std::string task_name(const execution_record &r, int task);
// A task's pid, or 0 for none.
int task_pid(const execution_record &r, int task);
// The two functions of a data race, in the order KCSAN's title gives them (alphabetical).
std::pair<std::string_view, std::string_view> race_functions(const model::rt::finding &f);
// Kernel-style heap address of an arena offset.
std::string heap_addr(std::uintptr_t off);

}  // namespace iowq
