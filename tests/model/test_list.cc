// list.h and rculist_nulls.h: the lists io-wq keeps its workers on.
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/bug.h"
#include "model/linux/list.h"
#include "model/linux/rculist_nulls.h"
#include "model/linux/sched.h"
#include "model/linux/slab.h"
#include "model/linux/spinlock.h"

using namespace iowq;
using namespace iowq::test;

namespace {

struct item {
    model_var<int> id;
    model_shared<int> seq;  // a marked field: READ_ONCE() is checked when it runs
    struct list_head all;
    struct hlist_nulls_node node;
    struct rcu_head rcu;
};

// Plain list operations in one task: add, walk, delete, empty.
struct list_basics : litmus_test<"user"> {
    struct list_head head;
    static void exercise(list_basics *l)
    {
        MODEL_FRAME();
        item *a = kzalloc(sizeof(item), GFP_KERNEL);
        item *b = kzalloc(sizeof(item), GFP_KERNEL);
        a->id = 1;
        b->id = 2;
        WARN_ON(!list_empty(&l->head));
        list_add_tail(&a->all, &l->head);
        list_add_tail(&b->all, &l->head);
        int sum = 0, order = 0;
        item *pos;
        list_for_each_entry(pos, &l->head, all) {
            sum += pos->id;
            order = order * 10 + pos->id;
        }
        WARN_ON(sum != 3 || order != 12);
        list_del(&a->all);
        WARN_ON(list_first_entry(&l->head, item, all) != b);
        list_del_init(&b->all);
        WARN_ON(!list_empty(&l->head));
        kfree(a);
        kfree(b);
    }
    void setup() { INIT_LIST_HEAD(&head); }
    void task(int) { exercise(this); }
};

// list_del() twice walks into the poison values the first one left.
struct list_del_twice : litmus_test<"user"> {
    struct list_head head;
    static void twice(list_del_twice *l)
    {
        MODEL_FRAME();
        item *a = kzalloc(sizeof(item), GFP_KERNEL);
        list_add(&a->all, &l->head);
        list_del(&a->all);
        list_del(&a->all);
        kfree(a);
    }
    void setup() { INIT_LIST_HEAD(&head); }
    void task(int) { twice(this); }
};

// An RCU reader takes the first entry of a nulls list while the updater unlinks it under the
// lock and frees it; with kfree_rcu the reader is safe, with kfree it is not.
template <bool use_rcu>
struct nulls_reader_vs_unlink : litmus_test<"reader", "updater"> {
    spinlock_t lock;
    struct hlist_nulls_head free_list;
    static inline int found = 0, empty = 0;
    bool saw = false;
    static void reader(nulls_reader_vs_unlink *l)
    {
        MODEL_FRAME();
        rcu_read_lock();
        struct hlist_nulls_node *n = rcu_dereference(hlist_nulls_first_rcu(&l->free_list));
        if (!is_a_nulls(n)) {
            item *it = hlist_nulls_entry(n, item, node);
            (void)static_cast<int>(it->id);
            l->saw = true;
        }
        rcu_read_unlock();
    }
    static void updater(nulls_reader_vs_unlink *l)
    {
        MODEL_FRAME();
        spin_lock(&l->lock);
        struct hlist_nulls_node *n = l->free_list.first.load();
        item *it = hlist_nulls_entry(n, item, node);
        hlist_nulls_del_rcu(&it->node);
        spin_unlock(&l->lock);
        if (use_rcu)
            kfree_rcu(it, rcu);
        else
            kfree(it);
    }
    void setup()
    {
        spin_lock_init(&lock);
        INIT_HLIST_NULLS_HEAD(&free_list, 0);
        item *it = kzalloc(sizeof(item), GFP_KERNEL);
        it->id = 7;
        hlist_nulls_add_head_rcu(&it->node, &free_list);
    }
    void task(int i) { i == 0 ? reader(this) : updater(this); }
    void teardown() { (saw ? found : empty)++; }
};

// Since the RCU flavours were merged (4.20), a grace period also waits for a region with
// preemption or interrupts off: a reader that holds some unrelated spinlock, or has preemption
// off, is as safe as one in rcu_read_lock(). Without any of them it is not.
enum class guard { spin, spin_irq, spin_irqsave, preempt, none };

template <guard g>
struct guarded_reader_vs_unlink : litmus_test<"reader", "updater"> {
    spinlock_t lock, other;
    struct hlist_nulls_head free_list;
    static inline int found = 0, empty = 0;
    bool saw = false;
    static void reader(guarded_reader_vs_unlink *l)
    {
        MODEL_FRAME();
        unsigned long flags = 0;
        if (g == guard::spin)
            spin_lock(&l->other);
        if (g == guard::spin_irq)
            spin_lock_irq(&l->other);
        if (g == guard::spin_irqsave)
            spin_lock_irqsave(&l->other, flags);
        if (g == guard::preempt)
            preempt_disable();
        struct hlist_nulls_node *n = l->free_list.first.load();
        if (!is_a_nulls(n)) {
            item *it = hlist_nulls_entry(n, item, node);
            (void)READ_ONCE(it->seq);
            l->saw = true;
        }
        if (g == guard::spin)
            spin_unlock(&l->other);
        if (g == guard::spin_irq)
            spin_unlock_irq(&l->other);
        if (g == guard::spin_irqsave)
            spin_unlock_irqrestore(&l->other, flags);
        if (g == guard::preempt)
            preempt_enable();
    }
    static void updater(guarded_reader_vs_unlink *l)
    {
        MODEL_FRAME();
        spin_lock(&l->lock);
        struct hlist_nulls_node *n = l->free_list.first.load();
        item *it = hlist_nulls_entry(n, item, node);
        hlist_nulls_del_rcu(&it->node);
        spin_unlock(&l->lock);
        kfree_rcu(it, rcu);
    }
    void setup()
    {
        spin_lock_init(&lock);
        spin_lock_init(&other);
        INIT_HLIST_NULLS_HEAD(&free_list, 0);
        item *it = kzalloc(sizeof(item), GFP_KERNEL);
        it->id = 7;
        hlist_nulls_add_head_rcu(&it->node, &free_list);
    }
    void task(int i) { i == 0 ? reader(this) : updater(this); }
    void teardown() { (saw ? found : empty)++; }
};

// The same reader, but it sleeps (its timer fires) between taking the pointer and reading
// through it: a quiescent state under either preemption model, so the use-after-free needs no
// preemptible kernel.
struct sleeping_reader_vs_unlink : guarded_reader_vs_unlink<guard::none> {
    static void reader(sleeping_reader_vs_unlink *l)
    {
        MODEL_FRAME();
        struct hlist_nulls_node *n = l->free_list.first.load();
        set_current_state(TASK_INTERRUPTIBLE);
        schedule_timeout(1);
        if (!is_a_nulls(n)) {
            item *it = hlist_nulls_entry(n, item, node);
            (void)READ_ONCE(it->seq);
        }
    }
    void task(int i) { i == 0 ? reader(this) : updater(this); }
};

template <guard g>
void check_guarded_reader_safe()
{
    using L = guarded_reader_vs_unlink<g>;
    L::found = L::empty = 0;
    run_clean_complete<L>(full());
    CHECK(L::found > 0);
    CHECK(L::empty > 0);
}

// hlist_nulls_del_rcu() on a node that hlist_nulls_del_init_rcu() already took off the list:
// the write through its NULL pprev (R9 in the notes).
struct del_after_del_init : litmus_test<"user"> {
    struct hlist_nulls_head free_list;
    static void unlink_twice(del_after_del_init *l)
    {
        MODEL_FRAME();
        item *it = kzalloc(sizeof(item), GFP_KERNEL);
        hlist_nulls_add_head_rcu(&it->node, &l->free_list);
        hlist_nulls_del_init_rcu(&it->node);
        WARN_ON(!hlist_nulls_empty(&l->free_list));
        hlist_nulls_del_rcu(&it->node);
        kfree(it);
    }
    void setup() { INIT_HLIST_NULLS_HEAD(&free_list, 0); }
    void task(int) { unlink_twice(this); }
};

}  // namespace

TEST_CASE("list_add_tail, list_for_each_entry, list_del and list_empty", "[list]")
{
    CHECK(verdict_of(run<list_basics>(full())) == "clean");
}

TEST_CASE("a second list_del faults on LIST_POISON", "[list]")
{
    run_result r = run_requiring<list_del_twice>(full(), "general protection fault in twice");
    // The first list_del() left next = LIST_POISON1; the second writes next->prev through it.
    CHECK(r.record.findings[0].addr >= 0xdead000000000100ull);
    CHECK(r.record.findings[0].addr < 0xdead000000000200ull);
    CHECK(r.record.findings[0].is_write);
}

TEST_CASE("an RCU reader of a nulls list is safe against unlink plus kfree_rcu", "[list][rcu]")
{
    using L = nulls_reader_vs_unlink<true>;
    L::found = L::empty = 0;
    run_clean_complete<L>(full());
    CHECK(L::found > 0);
    CHECK(L::empty > 0);
}

TEST_CASE("the same reader is not safe against unlink plus kfree", "[list][kasan]")
{
    run_result r = run_requiring<nulls_reader_vs_unlink<false>>(
        full(), "KASAN: use-after-free Read in reader");
    // The reader's plain read of it->id is not a scheduling point; what finds the bug is that
    // the read is not ordered before the kfree.
    CHECK(r.record.findings[0].race);
}

TEST_CASE("hlist_nulls_del_rcu after hlist_nulls_del_init_rcu writes through NULL", "[list]")
{
    run_result r = run_requiring<del_after_del_init>(
        full(), "BUG: unable to handle kernel NULL pointer dereference in unlink_twice");
    CHECK(r.record.findings[0].is_write);
}

TEST_CASE("a grace period waits for a reader that holds an unrelated spinlock", "[list][rcu]")
{
    check_guarded_reader_safe<guard::spin>();
    check_guarded_reader_safe<guard::spin_irq>();
    check_guarded_reader_safe<guard::spin_irqsave>();
}

TEST_CASE("a grace period waits for a reader with preemption off", "[list][rcu]")
{
    check_guarded_reader_safe<guard::preempt>();
}

TEST_CASE("the same reader with no lock and preemption on is not safe", "[list][kasan]")
{
    run_result r = run_requiring<guarded_reader_vs_unlink<guard::none>>(
        full(), "KASAN: use-after-free Read in reader");
    // It ran kernel code all along, so only a preemptible kernel lets the grace period pass it,
    // and the report says so.
    CHECK(first_report(r).find("This needs a preemptible kernel") != std::string::npos);
}

TEST_CASE("a reader that slept before its read needs no preemptible kernel", "[list][kasan]")
{
    run_result r =
        run_requiring<sleeping_reader_vs_unlink>(full(), "KASAN: use-after-free Read in reader");
    CHECK(first_report(r).find("This needs a preemptible kernel") == std::string::npos);
}

TEST_CASE("with CONFIG_PREEMPT_NONE a reader that never sleeps holds back the grace period",
          "[list][rcu]")
{
    // No lock and preemption on, but nothing preempts kernel code: the reader is on its CPU
    // from its first step to its exit, and the updater's kfree_rcu() waits for it.
    using L = guarded_reader_vs_unlink<guard::none>;
    L::found = L::empty = 0;
    run_options o = full();
    o.cfg.preempt_none = true;
    run_clean_complete<L>(o);
    CHECK(L::found > 0);
    CHECK(L::empty > 0);
}
