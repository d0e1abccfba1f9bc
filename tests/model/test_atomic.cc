// atomic.h: read-modify-write operations are atomic steps.
#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/atomic.h"
#include "model/linux/bug.h"

using namespace iowq;
using namespace iowq::test;

namespace {

// Two tasks drop a count of 2: exactly one of them sees it reach zero.
struct dec_and_test_once : litmus_test<"a", "b"> {
    atomic_t count;
    model_shared<int> zeros;
    static void put(dec_and_test_once *l)
    {
        MODEL_FRAME();
        if (atomic_dec_and_test(&l->count))
            l->zeros.update([](int z) { return z + 1; });
    }
    void setup() { atomic_set(&count, 2); }
    void task(int) { put(this); }
    void teardown() { WARN_ON(zeros.load() != 1 || atomic_read(&count) != 0); }
};

// test_and_set_bit() lets exactly one task in.
struct bit_lock : litmus_test<"a", "b"> {
    model_shared<unsigned long> state;
    model_shared<int> inside;
    static void enter(bit_lock *l)
    {
        MODEL_FRAME();
        if (!test_and_set_bit(1, &l->state))
            l->inside.update([](int x) { return x + 1; });
    }
    void task(int) { enter(this); }
    void teardown()
    {
        WARN_ON(inside.load() != 1);
        WARN_ON(!test_bit(1, &state));
        clear_bit(1, &state);
        WARN_ON(state.load() != 0);
    }
};

struct values : litmus_test<"a"> {
    atomic_t v;
    void setup() { atomic_set(&v, 5); }
    void task(int)
    {
        WARN_ON(atomic_inc_return(&v) != 6);
        WARN_ON(atomic_fetch_add(2, &v) != 6);
        WARN_ON(atomic_cmpxchg(&v, 8, 1) != 8);
        WARN_ON(atomic_xchg(&v, 3) != 1);
        atomic_sub(3, &v);
        WARN_ON(!atomic_inc_and_test(&v) == (atomic_read(&v) == 0));
    }
};

}  // namespace

TEST_CASE("atomic_dec_and_test: exactly one of two puts sees zero", "[atomic]")
{
    run_clean_complete<dec_and_test_once>(full());
}

TEST_CASE("test_and_set_bit admits exactly one task", "[atomic]")
{
    CHECK(verdict_of(run<bit_lock>(full())) == "clean");
}

TEST_CASE("atomic_t operations return what the kernel's do", "[atomic]")
{
    CHECK(verdict_of(run<values>(full())) == "clean");
}
