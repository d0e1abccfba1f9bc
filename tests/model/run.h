// How the model's Catch2 tests run a litmus class (checks/search/runner.h says what one is): the
// fixed part of such a class, the searches they run it under, and what they compare: the first
// finding's title (or "clean"), so that each test compares an exact verdict.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "checks/report/splat.h"
#include "checks/search/runner.h"

namespace iowq::test {

// A static task's name as a template argument.
template <std::size_t N>
struct task_name {
    char s[N];
    constexpr task_name(const char (&name)[N]) { std::copy_n(name, N, s); }
};

// The part every litmus class has: its static tasks, one per name; how many kthreads it may
// create; a setup and a teardown that do nothing (a class declares its own to do something).
// The class adds its state and task(int).
template <int kthreads, task_name... names>
struct litmus_with_kthreads {
    static constexpr int nr_tasks = sizeof...(names);
    static constexpr int nr_kthreads = kthreads;
    static constexpr const char *task_names[] = {names.s...};
    void setup() {}
    void teardown() {}
};

// A litmus class that creates no kthread: struct abba : litmus_test<"ab", "ba"> { ... }.
template <task_name... names>
using litmus_test = litmus_with_kthreads<0, names...>;

inline std::string verdict_of(const run_result &r)
{
    return verdict_text(r);
}

// The report of the first finding, "" if there is none: what a failing check prints (INFO).
inline std::string first_report(const run_result &r)
{
    return r.record.findings.empty() ? "" : format_finding(r.record, r.record.findings[0]);
}

inline run_options sequential()
{
    run_options o;
    o.search = search_kind::sequential;
    return o;
}
inline run_options full()
{
    run_options o;
    o.search = search_kind::full;
    return o;
}
inline run_options bounded(unsigned b)
{
    run_options o;
    o.search = search_kind::bound;
    o.bound = b;
    return o;
}
inline run_options randomly(std::uint64_t n)
{
    run_options o;
    o.search = search_kind::random;
    o.iterations = n;
    return o;
}
// The full search in multi-shot mode: an execution goes on after a finding, and reports each.
inline run_options full_multi_shot()
{
    run_options o = full();
    o.cfg.multi_shot = true;
    return o;
}

// L run under `o`, its verdict required to be `want` (the checks after it read the finding).
template <class L>
run_result run_requiring(const run_options &o, const std::string &want)
{
    run_result r = run<L>(o);
    REQUIRE(verdict_of(r) == want);
    return r;
}

// L run under `o`, checked to be clean with the search complete (every execution within its
// bound explored): the known-good case.
template <class L>
run_result run_clean_complete(const run_options &o)
{
    run_result r = run<L>(o);
    CHECK(verdict_of(r) == "clean");
    CHECK(r.complete);
    return r;
}

// The task_struct of static task i, for tests that wake one task from another.
inline task_struct *task_of(int i)
{
    return model::rt::task_at(i + 1);
}

}  // namespace iowq::test
