// Helpers for the primitives' litmus tests: run a test class under a search and return the
// first finding's title (or "clean"), so that each test compares an exact verdict.
#pragma once

#include <string>

#include "checks/report/splat.h"
#include "checks/search/runner.h"

namespace iowq::test {

inline std::string verdict_of(const run_result &r)
{
    return verdict_text(r);
}

inline run_options sequential()
{
    run_options o;
    o.strategy = search::sequential;
    return o;
}
inline run_options full()
{
    run_options o;
    o.strategy = search::full;
    return o;
}
inline run_options bounded(unsigned b)
{
    run_options o;
    o.strategy = search::bound;
    o.bound = b;
    return o;
}
inline run_options randomly(std::uint64_t n)
{
    run_options o;
    o.strategy = search::random;
    o.iterations = n;
    return o;
}

// The task_struct of static task i, for tests that wake one task from another.
inline task_struct *task_of(int i)
{
    return model::rt::task_at(i + 1);
}

}  // namespace iowq::test
