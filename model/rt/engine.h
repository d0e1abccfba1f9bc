// The runtime's state, shared by its parts (rt.cc, tasks.cc, footprints.cc, heap.cc, plain.cc,
// rcu.cc, findings.cc) and by nothing else: the one engine of the running execution, and the
// helpers one part calls in another. The API is rt.h.
#pragma once

#include <cstdint>

#include "model/rt/rt.h"

namespace model::rt {

inline constexpr std::size_t arena_bytes = 1u << 20;
inline constexpr std::size_t redzone = 16;

enum : std::uint8_t {
    shadow_ok = 0,
    shadow_unallocated = 0xfa,
    shadow_freed = 0xfb,
    shadow_redzone = 0xfc,
};

inline constexpr int max_rl_threads = 16;
inline constexpr int max_plain_states = 1 << 15;
inline constexpr int max_plain_log = 1 << 14;

// See rt.h. Clocks as Relacy's var_data_impl keeps them; 0: no such access yet.
struct plain_state {
    std::uint32_t load_ts[max_rl_threads];
    std::uint32_t store_ts[max_rl_threads];
    const char *fn[2][max_rl_threads];  // [write] the function of the last read or write
    std::uint64_t value[2][max_rl_threads];
    access_op op[2][max_rl_threads];
};

// One plain access of a recorded execution.
struct plain_rec {
    const plain_state *s;
    int thread;
    bool write;
    int event;    // the number of events logged before it: where the schedule marks it
    bool marked;  // marked in the schedule already (an access can be in two races)
    race_access acc;
    int decision;  // the search's decisions when it happened (event::decision)
};

struct plain_access {
    rl::timestamp_t ts;  // the accessing thread's clock at the access; 0: none
    const char *fn;
    int task;
    std::uint32_t off;
    std::uint8_t size;
    bool write;
};

struct engine {
    config cfg;
    stats st;

    unsigned char *arena = nullptr;
    std::uint8_t *shadow = nullptr;
    std::size_t bump = 0;
    alloc_rec allocs[max_allocs];
    int nallocs = 0;
    std::uint16_t owner[arena_bytes / 16];       // allocation index of every 16-byte granule
    plain_access access[max_allocs][max_tasks];  // last plain access per Relacy thread
    rl::atomic<unsigned> *rcu_gp = nullptr;      // orders readers' sections before callbacks

    task_struct *tasks[max_tasks] = {};
    // For each task that is a kthread: a hash of the clock Relacy hands its thread when it starts
    // (its creator's when it was started), for state_hb_hash(); 0 before, and while fingerprints
    // are off. Here rather than in the task: the task_struct's size sets where every later
    // object of the arena lies, which reports print.
    std::uint64_t start_hb[max_tasks] = {};
    int ntasks = 0;
    task_struct *by_thread[max_tasks] = {};
    // Each running task's Relacy thread, for the happens-before part of a state's
    // fingerprint (state.cc).
    rl::thread_info_base *rl_info[max_rl_threads] = {};
    int nr_live = 0;
    int nr_parked = 0;
    int nkthreads = 0;
    int faults_left = 0;  // failures the search may still inject (config::faults)
    bool special = false;
    bool active = false;
    bool cut = false;
    bool raising = false;
    const char *cut_requested = nullptr;
    footprint fp;        // the running step's
    unsigned char heap;  // stands for the allocator's state in footprints
    unsigned char rcu;   // stands for the RCU state (readers, callbacks) in footprints
    unsigned char once;  // stands for the WARN_ON_ONCE sites in footprints

    rcu_cb cbs[max_rcu_callbacks];
    int ncbs = 0;
    // While a callback runs: its rcu_cb::on_cpu, which a free records (alloc_rec::preempt_only).
    std::uint64_t gp_on_cpu = 0;

    finding findings[max_findings];
    int nfindings = 0;
    // The conservation oracle (heap.cc): the counters registered with conserve(), and the
    // leaked ones found at their object's free, reported when the execution ends.
    struct conserved_counter {
        const void *p;
        peek_fn peek;
        const char *name;
        std::int64_t start;
        int alloc;
        bool open;  // not yet checked
    } conserved[max_conserved];
    int nconserved = 0;
    // Findings of the oracles that judge an execution at its end (a leaked counter, a work
    // never completed), kept from the free that showed them until the end, which reports them
    // only if the execution ran to its end.
    finding deferred[max_findings];
    int ndeferred = 0;
    // The completion oracle (heap.cc): every work item handed to io-wq this execution, keyed
    // by address. An entry lives until its object is freed (or the execution ends); a work
    // handed over again after it completed reuses its entry.
    struct handed_work {
        const void *w;
        int alloc;        // the heap object holding it, or -1 (a work on a task's stack)
        int completions;  // how many times its function completed it since it was handed over
        race_access handed, completed;  // who handed it over, who completed it first
    } works[max_works];
    int nworks = 0;
    const warn_site *warned[max_warn_sites] = {};
    int nwarned = 0;

    event events[max_events];
    int nevents = 0;

    // Plain fields (model_var): their race-check states, and in a recorded execution every
    // plain access with its full call chain, for the KCSAN report's other stack.
    plain_state *plain_pool = nullptr;
    int nplain = 0;
    int nthreads = 0;  // Relacy threads of the running test
    plain_rec *plain_log = nullptr;
    int nplain_log = 0;
    // Races already reported in this execution (field, this thread, other thread): KCSAN
    // reports a racing pair once.
    struct reported_race {
        const plain_state *s;
        int me, other;
    } races[max_findings];
    int nraces = 0;
    std::uint64_t nsched = 0;  // scheduling points of this execution
};

// The running execution's engine.
engine &E();

// Helpers of one part that another part calls.
[[noreturn]] void internal_error(const char *msg);
call_chain chain_now();
const char *innermost_now();
void reset_arena();
void state_reset();
void destroy_all();
const finding *first_in_focus();
void begin_cut(const char *why);
void quiescence(task_struct *cur, bool may_throw);
// Whether every live task is parked (a step that may end in quiescence() asks this), with the
// read that answers it noted in the running step's footprint (footprints.cc).
bool all_parked(const task_struct *self);
void place_finding(finding &f, const void *p, std::size_t size);
int plain_rec_of(const plain_state *s, int thread, bool write);
void mark_race(int idx, const void *p);
const char *race_op_text(access_op op);
void rcu_gp_acquire();
void run_callbacks();
void record(const finding &f);
// Whether f answers the search's question (config::until, config::focus), set in f; a finding
// outside the focus is handed to config::off_focus.
void judge(finding &f);
rl::test_result_e relacy_result_for(finding_kind k);
void stop_search(const finding &f);
bool followed(const finding &f);

}  // namespace model::rt
