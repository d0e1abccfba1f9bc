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
    void thread(int chosen, int fallback)
    {
        if (nsched < capacity)
            sched[nsched++] = {static_cast<std::uint8_t>(chosen),
                               static_cast<std::uint8_t>(fallback)};
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

}  // namespace iowq
