#include <cstdlib>
#include <new>

#include "checks/search/choices.h"

namespace iowq {

choice_log &current_log()
{
    // Allocated once, outside any simulation: Relacy never sees this memory.
    static choice_log *log = new choice_log;
    return *log;
}

schedule_script script_from_log(const choice_log &log)
{
    schedule_script s;
    for (int i = 0; i < log.nsched; i++)
        if (log.sched[i].chosen != log.sched[i].fallback)
            s.threads.emplace_back(static_cast<std::uint32_t>(i), log.sched[i].chosen);
    for (int i = 0; i < log.nrands; i++)
        if (log.rands[i] != 0)
            s.rands.emplace_back(static_cast<std::uint32_t>(i), log.rands[i]);
    return s;
}

choice_trace trace_from_log(const choice_log &log)
{
    choice_trace t;
    t.sched.assign(log.sched, log.sched + log.nsched);
    t.rands.assign(log.rands, log.rands + log.nrands);
    return t;
}

schedule_script script_from_trace(const choice_trace &t)
{
    schedule_script s;
    for (std::size_t i = 0; i < t.sched.size(); i++)
        if (t.sched[i].chosen != t.sched[i].fallback)
            s.threads.emplace_back(static_cast<std::uint32_t>(i), t.sched[i].chosen);
    for (std::size_t i = 0; i < t.rands.size(); i++)
        if (t.rands[i] != 0)
            s.rands.emplace_back(static_cast<std::uint32_t>(i), t.rands[i]);
    return s;
}

bool same_decisions(const choice_trace &a, const choice_trace &b)
{
    if (a.sched.size() != b.sched.size())
        return false;
    for (std::size_t i = 0; i < a.sched.size(); i++)
        if (a.sched[i].chosen != b.sched[i].chosen)
            return false;
    return true;
}

schedule_shape shape_of(const choice_trace &t)
{
    schedule_shape s;
    s.steps = static_cast<int>(t.sched.size());
    for (std::size_t i = 1; i < t.sched.size(); i++) {
        if (t.sched[i].chosen == t.sched[i - 1].chosen)
            continue;
        s.switches++;
        if (t.sched[i].could_stay)
            s.preemptions++;
    }
    return s;
}

bool simpler(const schedule_shape &a, const schedule_shape &b)
{
    if (a.preemptions != b.preemptions)
        return a.preemptions < b.preemptions;
    if (a.steps != b.steps)
        return a.steps < b.steps;
    return a.switches < b.switches;
}

std::vector<segment> segments_of(const choice_trace &t)
{
    std::vector<segment> v;
    for (const decision &d : t.sched) {
        if (!v.empty() && v.back().thread == d.chosen)
            v.back().steps++;
        else
            v.push_back({d.chosen, 1});
    }
    return v;
}

}  // namespace iowq
