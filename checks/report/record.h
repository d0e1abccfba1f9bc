// What a finished run leaves for the printers: the tasks, the heap and the findings of the
// execution that failed (or of the last one), copied out of the runtime as plain data.
#pragma once

#include <string>
#include <vector>

#include "model/rt/types.h"

namespace iowq {

struct task_info {
    int index = 0;
    std::string comm;
    int pid = 0;
    long state = 0;
    bool kthread = false;
    bool started = false;
    bool finished = false;
    model::rt::park_kind parked = model::rt::park_kind::none;
    std::string wait_reason;
    std::string waits_for_holder;  // for a contended spinlock: "comm/pid" of its owner
    bool timer_armed = false;
    std::vector<std::string> held;  // names of the spinlocks it holds
    int rcu_nesting = 0;
    model::rt::call_chain chain;
    int rl_thread = -1;  // Relacy's thread, which the schedule's decisions name
};

// A preemption of the execution's schedule: `task` was taken off the CPU while it could have
// gone on, and `by` ran; `event` is the first event after it (events.size() if none).
struct preemption_mark {
    int event = 0;
    int task = -1;
    int by = -1;
};

struct execution_record {
    std::vector<task_info> tasks;
    std::vector<model::rt::alloc_rec> allocs;
    std::vector<model::rt::finding> findings;
    std::vector<model::rt::event> events;
    std::vector<preemption_mark> preemptions;  // in a recorded execution
    bool preempt = true;  // CONFIG_PREEMPT (false: CONFIG_PREEMPT_NONE), as an oops line says
};

}  // namespace iowq
