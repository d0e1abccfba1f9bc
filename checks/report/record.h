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
};

struct execution_record {
    std::vector<task_info> tasks;
    std::vector<model::rt::alloc_rec> allocs;
    std::vector<model::rt::finding> findings;
    std::vector<model::rt::event> events;
};

}  // namespace iowq
