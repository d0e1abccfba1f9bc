// How often the dpor search meets a state it has met before (issue 14, item 3: measure before
// building state caching). Off unless a search asks (search_params::count_states).
//
// At each new scheduling decision of the dpor tree the census takes the state's fingerprint
// (model/rt/rt.h, state_fingerprint()) and counts:
//   - a repeat: the same fingerprint, with the same task having run last (whether it could go
//     on, and which tasks can run, included), was met before with no more preemptions spent and
//     no more scheduling points taken (the soft-lockup limit's budget, max_sched_points). A
//     search that cached states could skip the subtree below a repeat; the executions that
//     pass one are what it could save at most. At most:
//     stateful DPOR must still find the races between the skipped subtree and the path that
//     led to it (Yang, Chen, Gopalakrishnan and Kirby, SPIN 2008), and the fingerprint leaves
//     out happens-before, which race and KASAN verdicts read.
//   - the same with happens-before (model::rt::state_hb_hash()) in the key as well: what a cache
//     that must keep race and KASAN verdicts exact could skip at most.
//   - the closure check, which tests the fingerprint itself: two decisions with one
//     fingerprint whose chosen task runs with the same choices must reach one fingerprint
//     again; and the same for the fingerprint with the happens-before hash, which tests that
//     hash (one that left out a clock, an atomic's say, lets two states look alike until a
//     task acquires that clock). A fingerprint that missed part of the state fails it when that
//     part makes two equal-looking states step apart into two decisions (a step that ends the
//     execution, cuts it or finds something is not compared; tests/checks/test_states.cc: known-bad
//     fingerprints that leave out a part fail it).
#pragma once

#include <cstdint>

namespace iowq {

struct state_census_stats {
    std::uint64_t decisions = 0;      // new scheduling decisions fingerprinted
    std::uint64_t distinct = 0;       // distinct fingerprints among them
    std::uint64_t repeats = 0;        // decisions that repeat a state met with as much budget
    std::uint64_t covered = 0;        // executions that passed at least one repeat
    std::uint64_t first_repeats = 0;  // repeats with none above them on their path
    // The same, where the earlier visit also had the same happens-before (state_hb_hash()).
    std::uint64_t repeats_hb = 0, covered_hb = 0, first_repeats_hb = 0;
    std::uint64_t transitions = 0;  // steps whose start had been met before with that step
    std::uint64_t mismatches = 0;   // ... that reached a different fingerprint (must be 0)
    // The same for the fingerprint and the happens-before hash together: a step from one
    // (fingerprint, happens-before) pair met before must reach one pair again.
    std::uint64_t transitions_hb = 0, mismatches_hb = 0;
    // What a cache could skip at most: every execution past a repeat but the one that meets the
    // first repeat on its path, which stops there.
    std::uint64_t skippable() const { return covered - first_repeats; }
    std::uint64_t skippable_hb() const { return covered_hb - first_repeats_hb; }
};

// A set of 64-bit keys with 64-bit values, open addressing, in memory from malloc (the dpor
// tree's memory must not go through Relacy's operator new: field notes, P2).
class u64_table {
public:
    u64_table() = default;
    u64_table(const u64_table &) = delete;
    u64_table &operator=(const u64_table &) = delete;
    ~u64_table();
    // The value of key k, or nullptr; insert() adds k (absent) with value v.
    std::uint64_t *find(std::uint64_t k);
    void insert(std::uint64_t k, std::uint64_t v);
    std::uint64_t size() const { return used_; }

private:
    struct slot {
        std::uint64_t key, value;  // key 0: empty (keys are never 0)
    };
    void grow();
    slot *slots_ = nullptr;
    std::uint64_t mask_ = 0, used_ = 0;
};

class state_census {
public:
    // A new scheduling decision: fingerprint `fp` and happens-before hash `hb`; `prev` the task
    // whose step came before it (-1 at the start) and whether it can go on, `enabled` the
    // runnable tasks, and what was spent on the way (preemptions, scheduling points). `above`
    // and `above_hb`: whether a repeat (of either kind) is on the path above it. Says whether
    // it is a repeat, of either kind.
    struct repeat {
        bool plain, hb;
    };
    repeat decision(std::uint64_t fp, std::uint64_t hb, int prev, bool prev_enabled,
                    std::uint64_t enabled, int preemptions, std::uint64_t sched_points, bool above,
                    bool above_hb);
    // The step from a decision with fingerprint `from` and happens-before hash `from_hb`,
    // which ran task t with the choices `choices` (a hash of their values), reached
    // fingerprint `to` and happens-before hash `to_hb`.
    void transition(std::uint64_t from, std::uint64_t from_hb, int t, std::uint64_t choices,
                    std::uint64_t to, std::uint64_t to_hb);
    // The running execution has met its first repeat (of the kind, hb or not), or a decision
    // below one: counted when it does, so that an execution a finding ends counts too.
    void execution_covered(bool hb) { (hb ? stats_.covered_hb : stats_.covered)++; }
    state_census_stats stats() const
    {
        state_census_stats s = stats_;
        s.distinct = fingerprints_.size();
        return s;
    }

private:
    state_census_stats stats_;
    u64_table fingerprints_;  // fingerprint -> 1
    u64_table visits_;        // (fingerprint, previous task, runnable) -> budget spent
    u64_table visits_hb_;     // the same with the happens-before hash in the key
    u64_table steps_;         // (fingerprint, task, choices) -> the next fingerprint
    u64_table steps_hb_;      // the same with the happens-before hashes on both sides
};

}  // namespace iowq
