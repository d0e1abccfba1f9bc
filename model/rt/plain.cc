// Plain fields (model_var): the race check on C's plain accesses (Relacy's vector clocks, one
// state per field), KCSAN-style reports of the races it finds, the scheduling point inside a
// read-modify-write, and the lost updates it lets happen.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {

// Where a finding about a field is: its arena offset and allocation (none outside the arena).
void place_finding(finding &f, const void *p, std::size_t size)
{
    std::uintptr_t off = arena_offset(p);
    f.addr = off == UINTPTR_MAX ? 0 : off;
    f.alloc = off == UINTPTR_MAX ? -1 : alloc_of(off);
    f.size = static_cast<std::uint32_t>(size);
}

plain_state *plain_new(bool init)
{
    engine &e = E();
    if (!e.plain_pool) {
        e.plain_pool =
            static_cast<plain_state *>(std::malloc(sizeof(plain_state) * max_plain_states));
        e.plain_log = static_cast<plain_rec *>(std::malloc(sizeof(plain_rec) * max_plain_log));
        if (!e.plain_pool || !e.plain_log)
            internal_error("cannot allocate the plain fields' states");
    }
    if (e.nplain == max_plain_states)
        internal_error("too many plain fields in one execution");
    plain_state *s = &e.plain_pool[e.nplain++];
    std::memset(s->load_ts, 0, sizeof s->load_ts);
    std::memset(s->store_ts, 0, sizeof s->store_ts);
    if (init) {
        // Constructed by the running task: its write, as Relacy's var init() records it.
        rl::thread_info_base &me = *rl::ctx().threadx_;
        me.own_acq_rel_order_ += 1;
        s->store_ts[me.index_] = static_cast<std::uint32_t>(me.own_acq_rel_order_);
        s->fn[1][me.index_] = e.ntasks ? innermost_now() : "?";
        s->value[1][me.index_] = 0;
        s->op[1][me.index_] = access_op::write;
    }
    return s;
}

// The recorded access of `thread` to the field that a race report names as the other one: its
// index in the log, or -1.
int plain_rec_of(const plain_state *s, int thread, bool write)
{
    engine &e = E();
    for (int i = e.nplain_log - 1; i >= 0; i--) {
        const plain_rec &r = e.plain_log[i];
        if (r.s == s && r.thread == thread && r.write == write)
            return i;
    }
    return -1;
}

// Marks a recorded racing access in the schedule, once, at the place it happened; the accesses
// recorded after that place move down with the events.
void mark_race(int idx, const void *p)
{
    engine &e = E();
    plain_rec &r = e.plain_log[idx];
    int at = r.event;
    if (r.marked || e.nevents == max_events || at < 0 || at > e.nevents)
        return;
    r.marked = true;
    std::memmove(&e.events[at + 1], &e.events[at],
                 sizeof(event) * static_cast<std::size_t>(e.nevents - at));
    e.nevents++;
    for (int i = 0; i < e.nplain_log; i++)
        if (e.plain_log[i].event > at || (e.plain_log[i].event == at && i > idx))
            e.plain_log[i].event++;
    std::uintptr_t off = arena_offset(p);
    event &ev = e.events[at];
    ev.task = r.acc.task;
    ev.chain = r.acc.chain;
    ev.kind = event_kind::race;
    ev.op = race_op_text(r.acc.op);
    ev.expr = "";
    ev.obj = off == UINTPTR_MAX ? 0 : report_heap_base + off;
    ev.before = static_cast<long>(r.acc.value);
    ev.after = static_cast<long>(r.acc.value);
    ev.target = -1;
    ev.decision = r.decision;
}

const char *race_op_text(access_op op)
{
    switch (op) {
    case access_op::read:
        return "data race: read";
    case access_op::write:
        return "data race: write";
    case access_op::read_write:
        break;
    }
    return "data race: read-write";
}

void plain_check(plain_state *s, const void *p, std::size_t size, bool write, access_op op,
                 std::uint64_t before, std::uint64_t after)
{
    engine &e = E();
    rl::thread_info_base &me = *rl::ctx().threadx_;
    const int self = static_cast<int>(me.index_);
    if (e.special || !g_checking) {
        // Setup and teardown run alone; their accesses order nothing and race with nothing.
        me.own_acq_rel_order_ += 1;
        (write ? s->store_ts : s->load_ts)[self] =
            static_cast<std::uint32_t>(me.own_acq_rel_order_);
        s->fn[write][self] = "?";
        s->value[write][self] = after;
        s->op[write][self] = op;
        return;
    }
    int other = -1;
    bool other_write = false;
    for (int i = 0; i < e.nthreads; i++) {
        if (i == self)
            continue;
        if (me.acq_rel_order_[i] < s->store_ts[i]) {
            other = i;
            other_write = true;
            break;
        }
        if (write && me.acq_rel_order_[i] < s->load_ts[i]) {
            other = i;
            break;
        }
    }
    me.own_acq_rel_order_ += 1;
    (write ? s->store_ts : s->load_ts)[self] = static_cast<std::uint32_t>(me.own_acq_rel_order_);
    s->fn[write][self] = innermost_now();
    s->value[write][self] = write ? after : before;
    s->op[write][self] = op;

    race_access now;
    if (e.cfg.record) {
        now.task = task_index(current_task());
        now.chain = chain_now();
        now.op = op;
        now.value = write ? after : before;
        if (e.nplain_log < max_plain_log)
            e.plain_log[e.nplain_log++] = plain_rec{
                s, self, write, e.nevents, false, now, g_decision_hook ? g_decision_hook() : -1};
    }
    if (other < 0)
        return;
    for (int i = 0; i < e.nraces; i++)
        if (e.races[i].s == s && e.races[i].me == self && e.races[i].other == other)
            return;
    if (e.nraces < max_findings)
        e.races[e.nraces++] = engine::reported_race{s, self, other};

    finding f = make_finding(finding_kind::data_race, "data-race");
    place_finding(f, p, size);
    f.is_write = write;
    f.op = op;
    f.value_before = before;
    f.value_after = after;
    task_struct *ot = e.by_thread[other];
    f.other.task = ot ? task_index(ot) : -1;
    f.other.op = s->op[other_write][other];
    f.other.value = s->value[other_write][other];
    f.other.chain.frame[0] = s->fn[other_write][other];
    f.other.chain.depth = 1;
    if (e.cfg.record) {
        if (int r = plain_rec_of(s, other, other_write); r >= 0) {
            f.other = e.plain_log[r].acc;
            mark_race(r, p);
        }
        if (int me_rec = plain_rec_of(s, self, write); me_rec >= 0)
            mark_race(me_rec, p);
    }
    raise(f);
}

void plain_rmw_point()
{
    // Outside the search window the tasks run one at a time: no other task can come between.
    if (g_window) {
        std::uint32_t me = 1u << rl::ctx().threadx_->index_;
        g_at_rmw |= me;
        sched_point();
        g_at_rmw &= ~me;
    }
}

void plain_lost_update(const void *p, std::uint64_t found, std::uint64_t now)
{
    engine &e = E();
    if (!e.cfg.record || e.special)
        return;
    log_event(event_kind::race, "lost update: overwrites", "", p, static_cast<long>(found),
              static_cast<long>(now));
}

}  // namespace model::rt
