#include "checks/checker.h"

#include <cstdio>
#include <cstdlib>

#include "checks/report/splat.h"
#include "model/fixes.h"
#include "model/linux/nodemask.h"

namespace iowq {

namespace {

std::string trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

// The runtime's callbacks into the scenario, which the configuration's cookie names.
const scenario_info &scenario_of(const void *cookie)
{
    return *static_cast<const scenario_info *>(cookie);
}

const finding_key *g_focus_key = nullptr;

bool scenario_focus(const model::rt::finding &f, const void *cookie)
{
    const scenario_info &s = scenario_of(cookie);
    if (s.focus && !s.focus(f))
        return false;
    if (g_focus_key)
        return g_focus_key->matches(f, f.alloc >= 0 ? model::rt::alloc_at(f.alloc).type->name
                                                    : nullptr);
    return true;
}

int scenario_timeouts(const char *comm, const void *cookie)
{
    return scenario_of(cookie).timeouts_for(comm);
}

// The scenario's own lost wake-up oracle first, then every scenario's (scenario.h).
const char *scenario_lost_wakeup(const void *cookie)
{
    const scenario_info &s = scenario_of(cookie);
    if (const char *why = s.lost_wakeup ? s.lost_wakeup() : nullptr)
        return why;
    return io_wq_lost_wakeup();
}

int scenario_blocked_for_good(const void *)
{
    return io_wq_blocked_for_good();
}

// Whether an allocation or kthread creation called from `site` may fail: the scenario's
// fail_in names the functions, comma-separated.
bool scenario_may_fail(const char *site, const void *cookie)
{
    std::string_view list = scenario_of(cookie).fail_in, name = site;
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        if (list.substr(0, comma) == name)
            return true;
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return false;
}

}  // namespace

run_options options_for(const scenario_info &s, const model_choice &m, bool multi_shot,
                        const std::string &until, bool record, bool unfocused)
{
    model_select(m.fixes, m.parent, m.whatif_no_rcu);
    model_set_nr_nodes(s.nodes);
    run_options o;
    o.cfg.cookie = &s;
    o.cfg.multi_shot = multi_shot || s.multi_shot;
    o.cfg.until = until.empty() || unfocused ? nullptr : until.c_str();
    o.cfg.focus = (s.focus || g_focus_key) && !unfocused ? &scenario_focus : nullptr;
    o.known_issue = &known_issue;
    o.cfg.timeouts_per_task = s.timeouts_per_task;
    o.cfg.timeouts_for = s.timeouts_for ? &scenario_timeouts : nullptr;
    o.cfg.on_quiescence = &scenario_lost_wakeup;
    o.cfg.blocked_for_good = &scenario_blocked_for_good;
    o.cfg.faults = s.fail_in ? s.faults : 0;
    o.cfg.may_fail = s.fail_in ? &scenario_may_fail : nullptr;
    o.cfg.record = record;
    o.cfg.prologue = s.prologue;
    o.cfg.preempt_none = m.preempt_none;
    return o;
}

namespace {

replay_spec spec_for(const scenario_info &s, const model_choice &m, const run_options &o,
                     const schedule_script &script, std::uint64_t seed, std::uint32_t k)
{
    replay_spec spec;
    spec.scenario = s.id;
    spec.fixes = static_cast<std::uint8_t>(m.fixes);
    spec.parent = m.parent;
    spec.whatif_no_rcu = m.whatif_no_rcu;
    spec.preempt_none = m.preempt_none;
    spec.multi_shot = o.cfg.multi_shot;
    spec.nodes = static_cast<std::uint8_t>(s.nodes);
    spec.timeouts_per_task = static_cast<std::uint8_t>(s.timeouts_per_task);
    spec.faults = static_cast<std::uint8_t>(o.cfg.faults);
    spec.until = o.cfg.until ? o.cfg.until : "";
    // Random and PCT executions are named by their generator, not by their long scripts.
    if (o.search == search_kind::random || o.search == search_kind::pct) {
        spec.gen = o.search == search_kind::pct ? 2 : o.stay ? 4 : 1;
        spec.gen_seed = seed;
        spec.stay = static_cast<std::uint8_t>(o.stay);
        spec.pct_depth = static_cast<std::uint8_t>(o.depth);
        spec.pct_k = k;
    } else {
        spec.script = script;
    }
    return spec;
}

// The search found something its own schedule, run again, does not: a replay that differs
// (exit 4, as replay --repeat says it). It would be a bug of the checker or of the model's
// determinism (state kept between executions); the message says what to report.
[[noreturn]] void not_reproduced(const char *what, const std::string &token)
{
    std::fprintf(stderr,
                 "iowq-check: the recorded schedule did not reproduce %s: a bug of iowq-check, "
                 "please report this command line and the token %s\n",
                 what, token.c_str());
    std::exit(4);
}

}  // namespace

// Findings that are a state, not an access (a lost wake-up or hang seen when every task is
// parked, a leak at the end, a scenario's own check): where some task happened to be is not
// part of what they are.
static bool has_site(model::rt::finding_kind k)
{
    using model::rt::finding_kind;
    return k != finding_kind::lost_wakeup && k != finding_kind::hang && k != finding_kind::leak &&
           k != finding_kind::check && k != finding_kind::livelock && k != finding_kind::other;
}

bool finding_key::matches(const model::rt::finding &f, const char *type_name) const
{
    return f.kind == kind && f.sub == sub && f.is_write == is_write &&
           (!has_site(kind) || site == f.chain.innermost()) && what == (f.what ? f.what : "") &&
           type == (type_name ? type_name : "");
}

finding_key key_of(const model::rt::finding &f, const char *type_name)
{
    finding_key k;
    k.kind = f.kind;
    k.sub = f.sub;
    k.is_write = f.is_write;
    k.site = has_site(f.kind) ? f.chain.innermost() : "";
    k.what = f.what ? f.what : "";
    k.type = type_name ? type_name : "";
    return k;
}

void set_focus_key(const finding_key *k)
{
    g_focus_key = k;
}

std::optional<model_choice> parse_model(std::string_view spec, std::string &error)
{
    if (const model_version *v = model_find_version(spec))
        return model_choice{v->name, v->fixes, v->parent, v->whatif_no_rcu};
    model_choice m;
    m.name = std::string(spec);
    if (spec == "none")
        return m;
    // A named version may come first, with fixes on top ("patched,d9b46f91b8fd").
    std::size_t first = spec.find(',');
    if (first != std::string_view::npos) {
        if (const model_version *v = model_find_version(trim(spec.substr(0, first)))) {
            if (v->parent || v->whatif_no_rcu) {
                error = "only buggy and patched take fixes on top ('" + std::string(v->name) +
                        "' is not a set of fixes)";
                return std::nullopt;
            }
            m.fixes = v->fixes;
            spec = spec.substr(first + 1);
        }
    }
    while (!spec.empty()) {
        std::size_t comma = spec.find(',');
        std::string id = trim(spec.substr(0, comma));
        const model_fix_info *f = model_find_fix(id);
        if (!f) {
            error = "unknown model or fix '" + id +
                    "': name a model (buggy, patched, parent, whatif-no-rcu) or fixes by commit "
                    "id, at least 7 hex digits (iowq-check list shows them)";
            return std::nullopt;
        }
        m.fixes |= f->bit;
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    }
    return m;
}

model_choice with_preempt(model_choice m, bool none)
{
    if (none && !m.preempt_none)
        m.name += " (preempt=none)";
    m.preempt_none = none;
    return m;
}

model_choice model_of(const replay_spec &s)
{
    for (const model_version &v : model_versions)
        if (v.fixes == s.fixes && v.parent == s.parent && v.whatif_no_rcu == s.whatif_no_rcu)
            return with_preempt(model_choice{v.name, v.fixes, v.parent, v.whatif_no_rcu},
                                s.preempt_none);
    model_choice m;
    m.fixes = s.fixes;
    m.parent = s.parent;
    m.whatif_no_rcu = s.whatif_no_rcu;
    // Fixes on top of patched are named so ("patched,d9b46f91b8fd").
    unsigned rest = s.fixes;
    if (!s.parent && !s.whatif_no_rcu)
        if (const model_version *p = model_find_version("patched");
            p && (s.fixes & p->fixes) == p->fixes) {
            m.name = p->name;
            rest &= ~p->fixes;
        }
    for (const model_fix_info &f : model_fixes)
        if (rest & f.bit)
            m.name += (m.name.empty() ? "" : ",") + std::string(f.id);
    if (m.name.empty())
        m.name = "none";
    return with_preempt(m, s.preempt_none);
}

check_outcome check(const scenario_info &s, const model_choice &m, const check_options &co)
{
    check_outcome out;
    out.scenario = &s;
    out.model = m;

    run_options o = options_for(s, m, co.multi_shot, co.until, false);
    o.search = co.search ? *co.search : s.search;
    o.bound = co.bound >= 0 ? static_cast<unsigned>(co.bound) : s.bound;
    o.seed = co.seed;
    o.depth = co.depth;
    o.stay = co.stay;
    o.iterations = co.iterations                ? co.iterations
                   : !co.search && s.executions ? s.executions
                                                : 20000;
    o.max_executions = co.max_executions;
    o.max_seconds = co.max_seconds;
    o.progress = co.progress ? s.name : nullptr;
    o.shard_index = co.shard_index;
    o.shard_count = co.shard_count;
    o.split_depth = co.split_depth;
    o.subtree_index = co.subtree_index;
    o.subtree_count = co.subtree_count;
    o.claim = co.claim;
    o.claim_cookie = co.claim_cookie;
    o.jobs = co.jobs;
    o.count_states = co.count_states;
    o.count_traces = co.count_traces;
    out.run = o;
    bool seeded = o.search == search_kind::random || o.search == search_kind::pct;
    if (seeded && shard_iterations(o.iterations, o.shard_index, o.shard_count) == 0) {
        // A shard with no executions of its own (more shards than executions): nothing to run.
        out.search.v = verdict::clean;
        out.verdict = verdict_text(out.search);
        return out;
    }
    out.search = s.run(o);
    out.verdict = verdict_text(out.search);

    if (out.search.v == verdict::found) {
        replay_spec spec =
            spec_for(s, m, o, out.search.script, out.search.exec_seed, out.search.exec_k);
        out.token = encode_token(spec);
        out.recording = replay(spec).recording;
        if (verdict_text(out.recording) != out.verdict) {
            std::fprintf(stderr, "iowq-check: found \"%s\" (%s), replayed as \"%s\"\n",
                         out.verdict.c_str(), out.search.relacy_result.c_str(),
                         verdict_text(out.recording).c_str());
            not_reproduced("the finding", out.token);
        }
    }
    if (out.search.has_off_focus) {
        replay_spec spec = spec_for(s, m, o, out.search.off_focus_script, out.search.off_focus_seed,
                                    out.search.off_focus_k);
        spec.unfocused = true;
        out.off_focus_token = encode_token(spec);
        check_outcome again = replay(spec);
        // Out of focus, the finding ended its execution; run again, it must do the same.
        out.off_focus_verdict =
            again.recording.record.findings.empty()
                ? std::string()
                : title(again.recording.record, again.recording.record.findings.front());
        if (out.off_focus_verdict.empty())
            not_reproduced("the finding outside the scenario's focus", out.off_focus_token);
        out.off_focus_known = out.search.off_focus_known;
    }
    shrink(out, co);
    return out;
}

check_outcome replay(const replay_spec &spec, const model_choice *on, script_status *status,
                     bool relacy_history)
{
    check_outcome out;
    const scenario_info *s = find_scenario_id(spec.scenario);
    out.scenario = s;
    out.model = on ? with_preempt(*on, spec.preempt_none) : model_of(spec);
    run_options o = options_for(*s, out.model, spec.multi_shot, spec.until, true, spec.unfocused);
    // The token's settings win over the scenario's current ones (and over another model's:
    // diff replays a schedule on the kernel configuration it was found on).
    model_set_nr_nodes(spec.nodes);
    o.cfg.preempt_none = spec.preempt_none;
    o.cfg.timeouts_per_task = spec.timeouts_per_task;
    o.cfg.faults = spec.faults;
    o.search = search_kind::replay;
    o.script = &spec.script;
    o.status = status;
    o.relacy_history = relacy_history;
    if (spec.gen) {
        // One execution of the generator the token names, exactly as the search ran it.
        o.search = spec.gen == 2 ? search_kind::pct : search_kind::random;
        o.stay = spec.stay;
        o.iterations = 1;
        o.seed = spec.gen_seed;
        o.exact_seed = true;
        o.depth = spec.pct_depth;
        o.pct_k = spec.pct_k;
    }
    out.recording = s->run(o);
    out.search = out.recording;
    out.replayed = true;
    out.verdict = verdict_text(out.recording);
    if (out.recording.v == verdict::found && !on)
        out.token = encode_token(spec);
    return out;
}

report_input report_for(const check_outcome &c, bool color)
{
    report_input in;
    in.scenario = c.scenario->name;
    in.model = c.model.name;
    in.verdict = c.verdict;
    if (c.search.v == verdict::found) {
        in.record = &c.recording.record;
        in.finding = focus_finding(c.recording);
        in.token = c.token;
        schedule_summary &sum = in.schedule;
        const shrink_outcome &sh = c.shrink;
        sum.shown = true;
        sum.preemptions = c.recording.shape.preemptions;
        sum.switches = c.recording.shape.switches;
        sum.steps = c.recording.shape.steps;
        sum.shrunk = sh.tried;
        sum.replayed = c.replayed;
        sum.minimal = sh.minimal;
        sum.proved_below = sh.proved_below;
        sum.incomplete_bound = sh.incomplete_bound;
        sum.seconds_ran_out = sh.seconds_ran_out;
        sum.executions_ran_out = sh.executions_ran_out;
        sum.executions = sh.executions;
        sum.replays = sh.replays;
        sum.kept = sh.kept;
        sum.note = sh.note;
        if (sh.tried && sh.before_token != c.token) {
            sum.before_token = sh.before_token;
            sum.before_preemptions = sh.before.preemptions;
            sum.before_switches = sh.before.switches;
            sum.before_steps = sh.before.steps;
        }
    }
    in.color = color;
    return in;
}

}  // namespace iowq
