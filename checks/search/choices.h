// The decisions one execution took: which task ran at each scheduling decision, and what each
// of the model's own choices (a timer that fires early, which pending timer fires) returned.
//
// Every search records into it; the replay search follows it. A decision is stored with
// the one the sequential policy would have taken (keep the running task, else the lowest
// runnable one), so that a schedule can be written down as its departures from that policy:
// a handful of numbers for a bounded search's schedule, which is what the replay token holds.
#pragma once

#include <cstdint>
#include <vector>

namespace iowq {

struct decision {
    std::uint8_t chosen;
    std::uint8_t fallback;  // what the sequential policy would have chosen
    // The task that ran before this decision could have gone on: choosing another is a
    // preemption (the searches' bound counts these; a switch forced by blocking is free).
    bool could_stay;
};

struct choice_log {
    static constexpr int capacity = 1 << 17;
    decision sched[capacity];
    std::uint16_t rands[capacity];
    int nsched = 0;
    int nrands = 0;
    bool overflow = false;

    void reset()
    {
        nsched = 0;
        nrands = 0;
        overflow = false;
    }
    void thread(int chosen, int fallback, bool could_stay)
    {
        if (nsched < capacity)
            sched[nsched++] = {static_cast<std::uint8_t>(chosen),
                               static_cast<std::uint8_t>(fallback), could_stay};
        else
            overflow = true;
    }
    void rand(unsigned v)
    {
        if (nrands < capacity)
            rands[nrands++] = static_cast<std::uint16_t>(v);
        else
            overflow = true;
    }
};

// The log of the execution running now (one execution at a time in this process).
choice_log &current_log();

// A schedule to follow: departures from the sequential policy, as (decision index, task) and
// (choice index, value), both in increasing index order.
struct schedule_script {
    std::vector<std::pair<std::uint32_t, std::uint8_t>> threads;
    std::vector<std::pair<std::uint32_t, std::uint16_t>> rands;
    // If a step of the script cannot be taken (the task is not runnable), either stop with an
    // error (replay) or go on with the sequential policy (diff, on another model).
    bool lenient = false;
};

// What a replay observed about the script.
struct script_status {
    bool diverged = false;
    std::uint32_t diverged_at = 0;  // decision index of the first step that could not be taken
};

// Turns the current log into a script that reproduces it.
schedule_script script_from_log(const choice_log &log);

// An execution's decisions, copied out of the log (the log is overwritten by the next one).
struct choice_trace {
    std::vector<decision> sched;
    std::vector<std::uint16_t> rands;
};
choice_trace trace_from_log(const choice_log &log);
schedule_script script_from_trace(const choice_trace &t);
// Whether two executions took the same decisions (the tasks chosen, in order).
bool same_decisions(const choice_trace &a, const choice_trace &b);

// How a schedule looks to a reader: its scheduling decisions (steps), the decisions that took
// the CPU from a task that could have gone on (preemptions, what a preemption bound counts),
// and every change of the running task (context switches, preemptions included).
struct schedule_shape {
    int steps = 0;
    int preemptions = 0;
    int switches = 0;
};
schedule_shape shape_of(const choice_trace &t);
// Fewer preemptions first, then fewer steps, then fewer context switches.
bool simpler(const schedule_shape &a, const schedule_shape &b);

// A schedule as runs of one task: `thread` takes the next `steps` decisions (a guided replay,
// checks/search/search-replay.h, moves on early when it blocks). The shrinker
// (checks/shrink.cc) rearranges these.
struct segment {
    std::uint8_t thread;
    std::uint32_t steps;
};
std::vector<segment> segments_of(const choice_trace &t);

}  // namespace iowq
