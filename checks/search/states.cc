#include "checks/search/states.h"

#include <cstdio>
#include <cstdlib>

#include "model/rt/rt.h"

namespace iowq {

namespace {

std::uint64_t nonzero(std::uint64_t k)
{
    return k ? k : 1;
}

}  // namespace

u64_table::~u64_table()
{
    std::free(slots_);
}

std::uint64_t *u64_table::find(std::uint64_t k)
{
    if (!slots_)
        return nullptr;
    k = nonzero(k);
    for (std::uint64_t i = model::rt::state_mix(0, k) & mask_;; i = (i + 1) & mask_) {
        if (slots_[i].key == k)
            return &slots_[i].value;
        if (!slots_[i].key)
            return nullptr;
    }
}

void u64_table::insert(std::uint64_t k, std::uint64_t v)
{
    if (!slots_ || (used_ + 1) * 2 > mask_ + 1)
        grow();
    k = nonzero(k);
    std::uint64_t i = model::rt::state_mix(0, k) & mask_;
    while (slots_[i].key)
        i = (i + 1) & mask_;
    slots_[i] = slot{k, v};
    used_++;
}

void u64_table::grow()
{
    std::uint64_t cap = slots_ ? (mask_ + 1) * 2 : 1024;
    auto *n = static_cast<slot *>(std::calloc(cap, sizeof(slot)));
    if (!n) {
        // Memory is the census's budget: run out of it, the search cannot go on counting.
        std::fprintf(stderr,
                     "iowq-check: a table of the search's counts (the state census's or the "
                     "trace count's) ran out of memory after %llu entries; search incomplete\n",
                     static_cast<unsigned long long>(used_));
        std::fflush(stdout);
        std::_Exit(3);
    }
    for (std::uint64_t i = 0; slots_ && i <= mask_; i++) {
        if (!slots_[i].key)
            continue;
        std::uint64_t j = model::rt::state_mix(0, slots_[i].key) & (cap - 1);
        while (n[j].key)
            j = (j + 1) & (cap - 1);
        n[j] = slots_[i];
    }
    std::free(slots_);
    slots_ = n;
    mask_ = cap - 1;
}

namespace {

// Whether `key` was visited with no more preemptions and no more scheduling points spent;
// else records this visit. The table keeps, for each key and number of preemptions spent, the
// fewest scheduling points spent, so that two visits neither of which spent no more than the
// other in both are both kept.
bool visited(u64_table &t, std::uint64_t key, int preemptions, std::uint64_t sched_points)
{
    for (int p = 0; p <= preemptions; p++)
        if (const std::uint64_t *seen = t.find(model::rt::state_mix(key, static_cast<unsigned>(p)));
            seen && *seen <= sched_points)
            return true;
    std::uint64_t k = model::rt::state_mix(key, static_cast<unsigned>(preemptions));
    if (std::uint64_t *seen = t.find(k))
        *seen = sched_points;  // fewer than it held, or the loop would have returned
    else
        t.insert(k, sched_points);
    return false;
}

}  // namespace

state_census::repeat state_census::decision(std::uint64_t fp, std::uint64_t hb, int prev,
                                            bool prev_enabled, std::uint64_t enabled,
                                            int preemptions, std::uint64_t sched_points, bool above,
                                            bool above_hb)
{
    stats_.decisions++;
    if (!fingerprints_.find(fp))
        fingerprints_.insert(fp, 1);
    std::uint64_t key = model::rt::state_mix(
        model::rt::state_mix(model::rt::state_mix(fp, static_cast<std::uint64_t>(prev + 1)),
                             prev_enabled),
        enabled);
    repeat r{visited(visits_, key, preemptions, sched_points),
             visited(visits_hb_, model::rt::state_mix(key, hb), preemptions, sched_points)};
    stats_.repeats += r.plain;
    stats_.first_repeats += r.plain && !above;
    stats_.repeats_hb += r.hb;
    stats_.first_repeats_hb += r.hb && !above_hb;
    return r;
}

namespace {

// Whether the step keyed `key` was met before; if so, whether it reached `to` again (else it
// records it).
bool step_differs(u64_table &t, std::uint64_t key, std::uint64_t to, std::uint64_t &checked)
{
    std::uint64_t *seen = t.find(key);
    if (!seen) {
        t.insert(key, to);
        return false;
    }
    checked++;
    return *seen != to;
}

}  // namespace

void state_census::transition(std::uint64_t from, std::uint64_t from_hb, int t,
                              std::uint64_t choices, std::uint64_t to, std::uint64_t to_hb)
{
    std::uint64_t key =
        model::rt::state_mix(model::rt::state_mix(from, static_cast<std::uint64_t>(t)), choices);
    stats_.mismatches += step_differs(steps_, key, to, stats_.transitions);
    stats_.mismatches_hb += step_differs(steps_hb_, model::rt::state_mix(key, from_hb),
                                         model::rt::state_mix(to, to_hb), stats_.transitions_hb);
}

}  // namespace iowq
