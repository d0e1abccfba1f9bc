// Kernel-style text for findings: titles as syzbot would give them, and the report block as
// KASAN, a WARNING, an oops, kmemleak or the hung-task detector would print it. Pure
// functions of an execution_record: this code never runs inside Relacy's fibers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/report/record.h"

namespace iowq {

// One line naming the finding, e.g. "KASAN: use-after-free Read in refcount_inc_not_zero".
std::string title(const execution_record &r, const model::rt::finding &f);
// Which places a report names: the kernel's (file:line of fs/io-wq.c and the rest, from the
// table in kernel-lines.def; what it does not place, by name alone), or the model's own (a
// WARN's model/io-wq.cc:line, frames by name), for whoever works on the model.
enum class coordinates : unsigned char { kernel, model };

// The report block, e.g. the "BUG: KASAN: ..." block with the allocation and free stacks.
std::string format_finding(const execution_record &r, const model::rt::finding &f,
                           coordinates co = coordinates::kernel);
// The frames of a chain, innermost first, one line each as a Call Trace prints them: in the
// kernel's coordinates "function file:line [inline]" where the table places the frame;
// `event` is what happened in the innermost frame (a WARN's condition), or "".
std::vector<std::string> frame_lines(const model::rt::call_chain &c, std::string_view event,
                                     coordinates co);
// Whether a kernel function name is one of the primitives (refcount_*, spin_*, schedule, ...)
// that titles and schedules skip to name the function at fault.
bool is_primitive(std::string_view f);
// The innermost frame of a chain that is not a primitive.
std::string_view culprit(const model::rt::call_chain &c);
// The function a title names: the innermost frame that is neither a primitive nor inlined in the
// kernel (syzkaller's titles name a function compiled out of line).
std::string_view title_function(const model::rt::call_chain &c);
// "comm/pid" of a task index, as the kernel prints a task.
std::string task_name(const execution_record &r, int task);
// A task's pid, or 0 for none.
int task_pid(const execution_record &r, int task);
// The two functions of a data race, in the order KCSAN's title gives them (alphabetical).
std::pair<std::string_view, std::string_view> race_functions(const model::rt::finding &f);
// Kernel-style heap address of an arena offset.
std::string heap_addr(std::uintptr_t off);

}  // namespace iowq
