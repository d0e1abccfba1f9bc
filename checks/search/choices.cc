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

}  // namespace iowq
