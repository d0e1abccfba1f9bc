// Shrinking a finding's schedule: after a search finds something, look for a schedule that
// reaches the same finding (finding_key: kind, access site, object type) with fewer preemptions,
// then fewer steps, then fewer context switches, and prove what can be proved about it.
//
// Two phases, inside one budget of executions (deterministic) and one of seconds (a cap):
//  1. Rearrange. The schedule is cut into runs of one task (segments_of()). At each preemption
//     two rearrangements are tried, each as one guided replay (search-replay.h): the preempted
//     task goes on with its next run at once, or the task that took over waits for its own next
//     run. A rearrangement is kept if the replay still reaches the finding and its schedule is
//     simpler (simpler()); the phase starts again from it, until no rearrangement helps. This is
//     the thread-block coalescing of Jalbert and Sen (FSE 2010), on Relacy's decisions.
//  2. Prove. The dpor search, focused on the finding, at bounds 0, 1, ... below the schedule's
//     preemptions: a bound it completes without the finding proves that no schedule with that
//     many preemptions reaches it (dpor explores every schedule within its bound up to the
//     order of independent steps, which the trace-comparison tests hold it to); a bound where it
//     finds it gives a schedule with no more preemptions than the bound, and, since every bound
//     below was complete, the fewest there are.
// The schedule kept is replayed with the scenario's own focus: it must report the same title
// first, or the search's own schedule stays (a multi-shot scenario could report another finding
// earlier on the simpler schedule).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "checks/checker.h"
#include "model/linux/nodemask.h"

namespace iowq {

namespace {

using steady = std::chrono::steady_clock;

// A run of the preempted task can take every step it has left.
constexpr std::uint32_t all_steps = 1u << 30;

class shrinker {
public:
    shrinker(const check_outcome &c, const replay_spec &spec, const check_options &o,
             shrink_outcome &out)
        : s_(*c.scenario), m_(c.model), spec_(spec), out_(out), best_(c.recording.trace),
          shape_(c.recording.shape)
    {
        start_ = steady::now();
        // A cap of 1e9 s or more is none (the command line's rule): the executions alone.
        timed_ = o.shrink_seconds < 1e9;
        if (timed_)
            deadline_ = start_ + std::chrono::duration_cast<steady::duration>(
                                     std::chrono::duration<double>(o.shrink_seconds));
        max_executions_ = o.shrink_executions ? o.shrink_executions : UINT64_MAX;
    }

    void rearrange()
    {
        while (shape_.preemptions > 0 && pass()) {
        }
    }

    void prove()
    {
        for (int k = out_.proved_below; k < shape_.preemptions; k++) {
            if (out_of_budget())
                return;
            run_options o = base_options();
            o.search = search_kind::dpor;
            o.bound = static_cast<unsigned>(k);
            o.max_executions = max_executions_ - out_.executions;
            if (timed_) {
                o.max_seconds = std::chrono::duration<double>(deadline_ - steady::now()).count();
                if (o.max_seconds <= 0)
                    o.max_seconds = 1e-9;
            }
            run_result r = s_.run(o);
            out_.executions += r.executions;
            if (r.v == verdict::found) {
                out_.proved_below = k;
                if (simpler(r.shape, shape_)) {
                    best_ = std::move(r.trace);
                    shape_ = r.shape;
                }
                return;
            }
            if (r.v == verdict::budget) {
                out_.incomplete_bound = k;
                out_of_budget();
                if (!out_.executions_ran_out)
                    out_.seconds_ran_out = true;
                return;
            }
            out_.proved_below = k + 1;
        }
    }

    const choice_trace &best() const { return best_; }
    const schedule_shape &shape() const { return shape_; }
    double seconds() const { return std::chrono::duration<double>(steady::now() - start_).count(); }

private:
    bool out_of_budget()
    {
        if (out_.executions >= max_executions_)
            out_.executions_ran_out = true;
        else if (timed_ && steady::now() >= deadline_)
            out_.seconds_ran_out = true;
        return out_.executions_ran_out || out_.seconds_ran_out;
    }

    // The run settings of the token the search printed, with the finding as the only focus.
    run_options base_options()
    {
        run_options o = options_for(s_, m_, spec_.multi_shot, spec_.until, false);
        model_set_nr_nodes(spec_.nodes);
        o.cfg.timeouts_per_task = spec_.timeouts_per_task;
        o.cfg.faults = spec_.faults;
        return o;
    }

    // One guided replay of `segs`, with the current schedule's own choices (timers, faults). It
    // is kept if it reaches the finding with a simpler schedule.
    bool try_segments(const std::vector<segment> &segs)
    {
        run_options o = base_options();
        schedule_script choices = script_from_trace(best_);
        choices.threads.clear();
        o.search = search_kind::replay;
        o.script = &choices;
        o.segments = &segs;
        run_result r = s_.run(o);
        out_.executions++;
        out_.replays++;
        if (r.v != verdict::found || !simpler(r.shape, shape_))
            return false;
        best_ = std::move(r.trace);
        shape_ = r.shape;
        out_.kept++;
        return true;
    }

    // One round of rearrangements over the preemptions of the current schedule; true if one was
    // kept (the schedule changed, and the round must start again).
    bool pass()
    {
        std::vector<segment> segs = segments_of(best_);
        std::vector<std::size_t> at;  // segments that begin with a preemption
        std::size_t d = 0;
        for (std::size_t i = 0; i < segs.size(); d += segs[i].steps, i++)
            if (i > 0 && best_.sched[d].could_stay)
                at.push_back(i);
        for (std::size_t i : at) {
            if (out_of_budget())
                return false;
            // The preempted task goes on: its next run joins the one that was cut short.
            std::vector<segment> on = segs;
            std::uint8_t was = segs[i - 1].thread;
            std::size_t j = i + 1;
            while (j < on.size() && on[j].thread != was)
                j++;
            if (j < on.size()) {
                on[i - 1].steps += on[j].steps;
                on.erase(on.begin() + static_cast<std::ptrdiff_t>(j));
            } else {
                on[i - 1].steps = all_steps;
            }
            if (try_segments(on))
                return true;
            if (out_of_budget())
                return false;
            // The task that took over waits: its run joins its next one, or goes last.
            std::vector<segment> wait = segs;
            segment took = segs[i];
            wait.erase(wait.begin() + static_cast<std::ptrdiff_t>(i));
            std::size_t k = i;
            while (k < wait.size() && wait[k].thread != took.thread)
                k++;
            if (k < wait.size())
                wait[k].steps += took.steps;
            else
                wait.push_back(took);
            if (try_segments(wait))
                return true;
        }
        return false;
    }

    const scenario_info &s_;
    const model_choice &m_;
    const replay_spec &spec_;
    shrink_outcome &out_;
    choice_trace best_;
    schedule_shape shape_;
    steady::time_point start_, deadline_;
    bool timed_ = true;
    std::uint64_t max_executions_ = 0;
};

}  // namespace

void shrink(check_outcome &c, const check_options &o)
{
    if (o.shrink_seconds <= 0 || c.search.v != verdict::found || c.token.empty())
        return;
    int fi = focus_finding(c.recording);
    if (fi < 0)
        return;
    std::string error;
    std::optional<replay_spec> spec = decode_token(c.token, error);
    if (!spec)
        return;
    const execution_record &rec = c.recording.record;
    const model::rt::finding &f = rec.findings[static_cast<std::size_t>(fi)];
    const char *type = f.alloc >= 0 && static_cast<std::size_t>(f.alloc) < rec.allocs.size()
                           ? rec.allocs[static_cast<std::size_t>(f.alloc)].type->name
                           : nullptr;
    finding_key key = key_of(f, type);

    shrink_outcome &out = c.shrink;
    out.tried = true;
    out.before = c.recording.shape;
    out.after = c.recording.shape;
    out.before_token = c.token;
    shrinker sh(c, *spec, o, out);
    set_focus_key(&key);
    sh.rearrange();
    sh.prove();
    // A schedule dpor found at a bound may be rearranged further (fewer steps or switches).
    sh.rearrange();
    set_focus_key(nullptr);
    out.minimal = out.proved_below >= sh.shape().preemptions;
    out.seconds = sh.seconds();
    if (same_decisions(sh.best(), c.recording.trace) && sh.best().rands == c.recording.trace.rands)
        return;

    replay_spec shrunk = *spec;
    shrunk.gen = 0;
    shrunk.gen_seed = 0;
    shrunk.stay = 0;
    shrunk.pct_depth = 0;
    shrunk.pct_k = 0;
    shrunk.script = script_from_trace(sh.best());
    check_outcome again = replay(shrunk);
    if (verdict_text(again.recording) != c.verdict) {
        out.note = "a schedule with " + std::to_string(sh.shape().preemptions) +
                   " preemption(s) reaches the finding, but reports \"" +
                   verdict_text(again.recording) + "\" first: the search's own schedule is shown";
        out.minimal = false;
        return;
    }
    c.token = again.token;
    c.recording = std::move(again.recording);
    out.after = c.recording.shape;
}

}  // namespace iowq
