#include "checks/search/dpor.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace iowq {

namespace {

constexpr dpor_tree::tset bit(int t)
{
    return dpor_tree::tset(1) << t;
}

[[noreturn]] void nondeterministic(const char *what)
{
    std::fprintf(stderr,
                 "iowq-check: internal error: the model is not deterministic (%s differs when a "
                 "schedule is run again)\n",
                 what);
    std::abort();
}

}  // namespace

std::uint64_t subtree_digest(std::uint64_t k, std::uint64_t executions)
{
    // splitmix64's finaliser over the pair: sums of these tell sets of pairs apart.
    std::uint64_t z = k * 0x9e3779b97f4a7c15ull + executions * 0xd1342543de82ef95ull + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

dpor_tree::tset dpor_tree::mask_of(const dpor_vec<sleeper> &s)
{
    tset m = 0;
    for (const sleeper &z : s)
        m |= bit(z.thread);
    return m;
}

void dpor_tree::begin()
{
    pos_ = 0;
    steps_.clear();
    filters_.clear();
    step_open_ = false;
    blocked_ = false;
    stopped_ = false;
    skipping_ = false;
    preemptions_ = 0;
    pending_sleep_.clear();
    // Only the threads of the last execution have rows in use (analyse() writes whole rows).
    for (int t = 0; t < nthreads_; t++) {
        by_thread_[t].clear();
        std::memset(clock_[t], 0, sizeof clock_[t]);
    }
    nthreads_ = 0;
    step_above_ = true;
    exec_covered_ = exec_covered_hb_ = false;
    cut_analysed_ = false;
    trace_ = 0;
}

// The sleepers that prune at node n. Under a bound, only where a switch costs no preemption
// (step_done() says why).
dpor_tree::tset dpor_tree::asleep_at(const node &n) const
{
    if (n.sleep.empty() || (bound_ >= 0 && n.prev_enabled && !sleep_prunes_preemptions))
        return 0;
    return mask_of(n.sleep);
}

bool dpor_tree::within_bound(const node &n, int t) const
{
    if (bound_ < 0)
        return true;
    int cost = n.prev_enabled && t != n.prev ? 1 : 0;
    return n.preemptions + cost <= bound_;
}

void dpor_tree::set_split(const split &s)
{
    if (s.depth > 0 && bound_ < 0) {
        std::fprintf(stderr, "iowq-check: internal error: a dpor tree split without a bound\n");
        std::abort();
    }
    split_ = s;
}

bool dpor_tree::above_split() const
{
    // A quarter as deep for each preemption taken: the subtrees that keep the most budget are
    // the biggest (docs/performance.md, section 9).
    int d = preemptions_ < 15 ? split_.depth >> (2 * preemptions_) : 0;
    return pos_ < static_cast<std::size_t>(d);
}

bool dpor_tree::owned_here()
{
    if (prefix_owned_ < 0)
        prefix_owned_ = !split_.own || split_.own(split_.cookie, prefix_) ? 1 : 0;
    return prefix_owned_ == 1;
}

void dpor_tree::close_prefix()
{
    stats_.subtrees++;
    if (owned_here()) {
        stats_.subtrees_owned++;
        stats_.digest += subtree_digest(prefix_, prefix_execs_);
    }
    prefix_++;
    prefix_owned_ = -1;
    prefix_execs_ = 0;
}

int dpor_tree::pick(tset enabled, int cur, bool cur_enabled)
{
    if (blocked_ || stopped_)
        return -1;
    if (split_.depth > 0 && !above_split() && !owned_here()) {
        skipping_ = stopped_ = true;  // another process searches this subtree
        return -1;
    }
    int choice;
    if (pos_ < nodes_.size()) {
        node &n = nodes_[pos_];
        if (n.is_rand)
            nondeterministic("the order of scheduling and other choices");
        if (n.enabled != enabled || n.prev != cur || n.prev_enabled != cur_enabled)
            nondeterministic("the set of runnable tasks");
        choice = n.thread;
    } else {
        node n;
        n.enabled = enabled;
        n.prev = cur;
        n.prev_enabled = cur_enabled;
        n.preemptions = preemptions_;
        n.sleep = std::move(pending_sleep_);
        pending_sleep_.clear();
        tset asleep = asleep_at(n);
        choice = -1;
        // The running task goes on if it can: a new branch costs no preemption of its own.
        if (cur_enabled && !(asleep & bit(cur))) {
            choice = cur;
        } else {
            for (int t = 0; t < max_threads && choice < 0; t++)
                if ((enabled & ~asleep & bit(t)) && within_bound(n, t))
                    choice = t;
        }
        if (choice < 0) {
            blocked_ = true;
            stats_.sleep_blocked++;
            return -1;
        }
        n.thread = choice;
        n.done = n.backtrack = bit(choice);
        if (census_on_)
            census_decision(n);  // census_visit() below
        // Above the split every task within the bound is an alternative, so that no subtree
        // needs what a race in another would add here.
        n.above = above_split();
        if (n.above && !reduce_above_split)
            for (tset m = enabled; m; m &= m - 1)
                if (within_bound(n, __builtin_ctzll(m)))
                    n.backtrack |= bit(__builtin_ctzll(m));
        nodes_.push_back(std::move(n));
    }
    if (census_on_)
        census_visit(nodes_[pos_]);
    step_above_ = nodes_[pos_].above;
    if (cur_enabled && choice != cur)
        preemptions_++;
    step s;
    s.node = static_cast<int>(pos_);
    s.thread = choice;
    s.turn = !steps_.empty() && steps_.back().thread == choice ? steps_.back().turn
                                                               : static_cast<int>(steps_.size());
    nthreads_ = std::max(nthreads_, choice + 1);
    s.local = static_cast<std::uint32_t>(by_thread_[choice].size() + 1);
    by_thread_[choice].push_back(static_cast<int>(steps_.size()));
    steps_.push_back(s);
    step_open_ = true;
    pos_++;
    return choice;
}

unsigned dpor_tree::rand(unsigned limit)
{
    if (blocked_ || stopped_)
        return 0;
    // A choice belongs to the step it is made in: above the split if the step's decision is, so
    // that a step above the split always runs to its end, and what the sleep sets take from it
    // (step_done()) is the same in every process.
    if (split_.depth > 0 && !step_above_ && !owned_here()) {
        skipping_ = stopped_ = true;
        return 0;
    }
    if (pos_ < nodes_.size()) {
        node &n = nodes_[pos_++];
        if (!n.is_rand || n.limit != limit)
            nondeterministic("a choice");
        if (census_on_)
            census_visit(n);
        return n.value;
    }
    node n;
    n.is_rand = true;
    n.limit = limit;
    n.above = step_above_;
    n.covered = pos_ > 0 && nodes_[pos_ - 1].covered;
    n.covered_hb = pos_ > 0 && nodes_[pos_ - 1].covered_hb;
    nodes_.push_back(std::move(n));
    pos_++;
    if (census_on_)
        census_visit(nodes_.back());
    return 0;
}

void dpor_tree::step_done(const model::rt::footprint &fp)
{
    if (!step_open_)
        return;
    step_open_ = false;
    if (blocked_ || stopped_)
        return;
    int k = static_cast<int>(steps_.size()) - 1;
    step &s = steps_[static_cast<std::size_t>(k)];
    s.fp = fp;
    filters_.resize(steps_.size());
    filters_[static_cast<std::size_t>(k)] = fp.filter();
    analyse(k);
    if (traces_on_)
        trace_step(s);

    // Who sleeps at the next new node: the sleepers here, and the tasks already explored here,
    // whose steps do not depend on the one just run.
    //
    // Without a bound, every task explored here (Godefroid's sleep sets). With a preemption
    // bound the schedule a sleeping task stands for must lie within the bound and be searched in
    // the branch where the task was explored. Task t was running at node n and could go on; it
    // was explored first (its step e), and branch u preempted it. A schedule of u's branch
    // n: u v e x, where e is independent of u v, is the same trace as n: e u v x in t's branch.
    // Counting the switches that differ, the second costs no more preemptions than the first
    // (t goes on at n for free; u preempts it after e, where the first paid at n), so only t is
    // put to sleep, and only the task that ran at n (n.prev) and could go on.
    //
    // The sleep prunes a switch to t only where the running task cannot go on (asleep_at()): a
    // switch that costs nothing. The trace it stands for has, after n, the same turns in the same
    // order as the schedule in t's branch, so the conservative points that bounded POR adds for
    // the races in its continuation (where a turn began) have their counterparts there. A switch
    // to t that preempts the running task begins a turn that t's branch does not have, and the
    // conservative points of its races have no counterpart: pruning it too lost 9 of r8's 5,032
    // traces at bound 2 (tests/checks/test_dpor.cc, sleep_prunes_preemptions). Sleeping every
    // explored task, as without a bound, lost 915 of r6's 5,521 at bound 1 (docs/checker.md).
    // A sleeper is judged by the footprint of the step explored, so footprints must hold every
    // read that decides what a step does (model/rt/footprints.cc, all_parked()). The test compares
    // every trace the context-bound search reaches, at bound 1 on eight scenarios and at bound 2
    // on r8 and r9; this is checked, not proven.
    pending_sleep_.clear();
    node &n = nodes_[static_cast<std::size_t>(s.node)];
    if (bound_ < 0 || (s.thread == n.prev && n.prev_enabled)) {
        auto it = std::find_if(n.explored.begin(), n.explored.end(),
                               [&](const sleeper &z) { return z.thread == s.thread; });
        // The step is the same each time the branch runs it, unless it made a choice (then the
        // sleeper stands for every outcome explored, and their footprints are merged).
        if (it == n.explored.end())
            n.explored.push_back(sleeper{s.thread, fp});
        else if (fp.choices)
            it->fp.merge(fp);
    }
    for (const sleeper &z : n.sleep)
        if (z.thread != s.thread && !z.fp.depends(fp))
            pending_sleep_.push_back(z);
    for (const sleeper &z : n.explored)
        if (z.thread != s.thread && (n.done & bit(z.thread)) && !z.fp.depends(fp))
            pending_sleep_.push_back(z);
}

void dpor_tree::add_alternative(int node_index, int t)
{
    node &n = nodes_[static_cast<std::size_t>(node_index)];
    if (n.enabled & bit(t)) {
        if (within_bound(n, t))
            n.backtrack |= bit(t);
        return;
    }
    // The task could not run there: any task that could may lead to the reordering.
    for (tset m = n.enabled & ~n.backtrack; m; m &= m - 1) {
        int u = __builtin_ctzll(m);
        if (within_bound(n, u))
            n.backtrack |= bit(u);
    }
}

void dpor_tree::race(int i, int p)
{
    stats_.races++;
    add_alternative(steps_[static_cast<std::size_t>(i)].node, p);
    // BPOR's conservative points: where the turn of the task that ran step i began, and
    // where the turn before step i began.
    int m = steps_[static_cast<std::size_t>(i)].turn;
    if (m != i)
        add_alternative(steps_[static_cast<std::size_t>(m)].node, p);
    if (i > 0)
        add_alternative(
            steps_[static_cast<std::size_t>(steps_[static_cast<std::size_t>(i - 1)].turn)].node, p);
}

void dpor_tree::analyse(int k)
{
    step &s = steps_[static_cast<std::size_t>(k)];
    const int p = s.thread;
    std::uint32_t vc[max_threads];
    std::memcpy(vc, clock_[p], sizeof vc);

    // Every step of another task that conflicts with this one and does not happen before
    // this task's previous step: at the state after it, this task's next step (this one) was
    // pending, and the two could have come in the other order (Flanagan and Godefroid check
    // each state; a bounded search cannot rely on reaching the reordering through a later
    // race, so every such state counts).
    const model::rt::fp_filter mine = s.fp.filter();
    for (int q = 0; q < nthreads_; q++) {
        if (q == p || by_thread_[q].empty())
            continue;
        const dpor_vec<int> &lst = by_thread_[q];
        bool joined = false;
        for (std::size_t idx = lst.size(); idx > clock_[p][q]; idx--) {
            // The filter first, from the array: no conflict there, no common byte.
            if (!filters_[static_cast<std::size_t>(lst[idx - 1])].conflicts(mine))
                continue;
            const step &o = steps_[static_cast<std::size_t>(lst[idx - 1])];
            if (!o.fp.depends(s.fp))
                continue;
            race(lst[idx - 1], p);
            if (!joined) {
                for (int t = 0; t < nthreads_; t++)
                    vc[t] = std::max(vc[t], o.vc[t]);
                joined = true;
            }
        }
    }
    vc[p] = s.local;
    std::memcpy(s.vc, vc, sizeof vc);
    std::memcpy(clock_[p], vc, sizeof vc);
}

void dpor_tree::cut_here(const model::rt::footprint &fp, tset pending)
{
    if (blocked_ || stopped_ || skip_cut_analysis) {
        stopped_ = true;
        return;
    }
    step_done(fp);
    cut_analysed_ = true;
    stats_.cut++;
    for (int q = 0; q < max_threads; q++)
        if (pending & bit(q)) {
            stats_.cut_pending++;
            analyse_unknown(q);
        }
    stopped_ = true;
}

// Task q was runnable when the execution was cut, so its next step was pending at every state
// since its last step, and in a complete execution analyse() would have checked that step
// against every step not known to happen before it. Its footprint is unknown (the step never
// ran), so it is taken to depend on all of them: each such step is a race with q. Without
// this, the reorderings that put q's step earlier, which may avoid the cut altogether, are
// never tried (tests/checks/test_dpor.cc, cut executions).
void dpor_tree::analyse_unknown(int q)
{
    for (int r = 0; r < nthreads_; r++) {
        if (r == q)
            continue;
        const dpor_vec<int> &lst = by_thread_[r];
        for (std::size_t idx = lst.size(); idx > clock_[q][r]; idx--)
            race(lst[idx - 1], q);
    }
}

std::uint64_t dpor_tree::pending() const
{
    std::uint64_t left = 0;
    for (const node &n : nodes_) {
        if (n.is_rand) {
            left += n.limit - 1 - n.value;
            continue;
        }
        tset todo = n.backtrack & ~n.done & ~asleep_at(n);
        for (int t = 0; t < max_threads; t++)
            left += (todo & bit(t)) && within_bound(n, t);
    }
    return left;
}

void dpor_tree::census_decision(node &n)
{
    n.state = model::rt::state_fingerprint();
    n.state_hb = model::rt::state_hb_hash();
    // The step that led here: from the last scheduling decision, with the choices made since.
    std::uint64_t choices = 0;
    std::size_t j = pos_;
    while (j > 0 && nodes_[j - 1].is_rand) {
        j--;
        choices = model::rt::state_mix(choices, nodes_[j].value + 1);
    }
    if (j > 0)
        census_.transition(nodes_[j - 1].state, nodes_[j - 1].state_hb, nodes_[j - 1].thread,
                           choices, n.state, n.state_hb);
    bool above = pos_ > 0 && nodes_[pos_ - 1].covered;
    bool above_hb = pos_ > 0 && nodes_[pos_ - 1].covered_hb;
    state_census::repeat r =
        census_.decision(n.state, n.state_hb, n.prev, n.prev_enabled, n.enabled, n.preemptions,
                         model::rt::sched_points_now(), above, above_hb);
    n.covered = r.plain || above;
    n.covered_hb = r.hb || above_hb;
}

void dpor_tree::census_visit(const node &n)
{
    if (n.covered && !exec_covered_) {
        exec_covered_ = true;
        census_.execution_covered(false);
    }
    if (n.covered_hb && !exec_covered_hb_) {
        exec_covered_hb_ = true;
        census_.execution_covered(true);
    }
}

// A trace (Mazurkiewicz's: an execution up to the order of independent steps) is the set of its
// steps, each named by its task, its place among the task's steps and its footprint, with the
// steps that happen before it, which analyse() has just given it as a vector clock (joined over
// every earlier step it depends on). Two executions reach the same trace exactly when they have
// the same set, so a sum of hashes of its elements names the trace whatever order the steps
// ran in. tests/checks/test_dpor.cc counts traces another way (each execution's lexicographic
// normal form) and must count as many.
void dpor_tree::trace_step(const step &s)
{
    std::uint64_t h = model::rt::state_mix(static_cast<std::uint64_t>(s.thread) + 1, s.local);
    h = model::rt::state_mix(h, s.fp.global ? 1 : 0);
    h = model::rt::state_mix(h, s.fp.choices);
    for (int i = 0; i < s.fp.n; i++) {
        const model::rt::fp_access &a = s.fp.a[i];
        h = model::rt::state_mix(h, a.lo);
        h = model::rt::state_mix(h, (a.hi - a.lo) << 1 | (a.write ? 1 : 0));
    }
    for (int t = 0; t < nthreads_ && !trace_without_order; t++)
        if (s.vc[t] && t != s.thread)
            h = model::rt::state_mix(h, static_cast<std::uint64_t>(t) << 32 | s.vc[t]);
    trace_ += h;
}

// The execution ended: its trace is counted, unless the tree abandoned it (then it is no
// behaviour of the model).
void dpor_tree::trace_end()
{
    if (cut_analysed_) {
        if (!cut_traces_.find(trace_))
            cut_traces_.insert(trace_, 1);
    } else if (stopped_ || blocked_) {
        stats_.abandoned++;
    } else if (!traces_.find(trace_)) {
        traces_.insert(trace_, 1);
    }
}

bool dpor_tree::next()
{
    if (traces_on_)
        trace_end();
    stats_.max_depth = std::max<std::uint64_t>(stats_.max_depth, nodes_.size());
    // The execution that ended belongs to the prefix being searched.
    if (owned_here()) {
        prefix_execs_++;
        stats_.owned_executions++;
    } else {
        stats_.skipped++;
    }
    // A branch taken above the split begins the next prefix.
    auto branch = [&] {
        if (nodes_.back().above)
            close_prefix();
        return true;
    };
    while (!nodes_.empty()) {
        node &n = nodes_.back();
        if (n.is_rand) {
            if (n.value + 1 < n.limit) {
                n.value++;
                return branch();
            }
            nodes_.pop_back();
            continue;
        }
        tset c = n.backtrack & ~n.done & ~asleep_at(n);
        // The lowest candidate within the bound (the set bits only, lowest first).
        for (; c; c &= c - 1) {
            int t = __builtin_ctzll(c);
            if (within_bound(n, t)) {
                n.thread = t;
                n.done |= bit(t);
                return branch();
            }
        }
        nodes_.pop_back();
    }
    close_prefix();
    return false;
}

}  // namespace iowq
