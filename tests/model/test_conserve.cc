// The conservation oracle (model/rt/rt.h, conserve(); model_conserve() in compiler.h): a counter
// registered when its object is set up must be back at that value when the object is freed, or
// when the execution ends with the object still allocated. Known-good: balanced counts, freed or
// not. Known-bad: a charge kept, a charge dropped twice, a reference never put.
#include <string>

#include <catch2/catch.hpp>

#include "tests/model/run.h"
#include "model/linux/atomic.h"
#include "model/linux/refcount.h"
#include "model/linux/slab.h"

using namespace iowq;
using namespace iowq::test;

// At global scope, so that reports name it "struct account".
struct account {
    atomic_t users;
    model_var<unsigned> nr;  // a plain count, under the caller's own discipline
    refcount_t ref;
};

namespace {

enum class slip { none, keeps_charge, drops_twice, plain_kept, keeps_ref };

// Two tasks each charge the account and uncharge it, then put their reference; the last put
// frees it. Task "b" slips as told.
template <slip s>
struct charges : litmus_test<"a", "b"> {
    account *acct = nullptr;
    void setup()
    {
        acct = kzalloc(sizeof(account), GFP_KERNEL);
        model_conserve(&acct->users, "acct->users");
        model_conserve(&acct->nr, "acct->nr");
        model_conserve(&acct->ref, "acct->ref");
        refcount_set(&acct->ref, 2);
    }
    static void user(charges *l, bool slips)
    {
        MODEL_FRAME();
        account *a = l->acct;
        atomic_inc(&a->users);
        atomic_dec(&a->users);
        if (slips && s == slip::keeps_charge)
            atomic_inc(&a->users);
        if (slips && s == slip::drops_twice)
            atomic_dec(&a->users);
        if (slips && s == slip::plain_kept)
            a->nr = 3;
        if (slips && s == slip::keeps_ref)
            return;
        if (refcount_dec_and_test(&a->ref))
            kfree(a);
    }
    void task(int i) { user(this, i == 1); }
};

}  // namespace

TEST_CASE("balanced counts pass the conservation oracle", "[conserve]")
{
    run_clean_complete<charges<slip::none>>(full());
}

TEST_CASE("a charge kept past the free is a leaked count", "[conserve]")
{
    run_result r = run<charges<slip::keeps_charge>>(full());
    REQUIRE(r.record.findings.size() >= 1);
    const model::rt::finding &f = r.record.findings[0];
    CHECK(f.kind == model::rt::finding_kind::leak);
    CHECK(f.sub == static_cast<std::uint8_t>(model::rt::leak_kind::counter));
    CHECK(f.at_free);
    CHECK(std::string(f.what) == "acct->users");
    CHECK(f.value_before == 0);
    CHECK(f.value_after == 1);
    CHECK(verdict_of(r) == "leak: acct->users is 1 when its struct account is freed, 0 before");
    // The report names the object and the free's call chain.
    std::string rep = first_report(r);
    CHECK(rep.find("BUG: leaked count: acct->users is 1, 0 when its object was set up") !=
          std::string::npos);
    CHECK(rep.find("freed by task") != std::string::npos);
}

TEST_CASE("a charge dropped twice is a leaked count too, below its start", "[conserve]")
{
    run_result r = run<charges<slip::drops_twice>>(full());
    CHECK(verdict_of(r) == "leak: acct->users is -1 when its struct account is freed, 0 before");
}

TEST_CASE("a plain count left changed is a leaked count", "[conserve]")
{
    run_result r = run<charges<slip::plain_kept>>(full());
    CHECK(verdict_of(r) == "leak: acct->nr is 3 when its struct account is freed, 0 before");
}

TEST_CASE("a reference never put leaves its object and the count after teardown", "[conserve]")
{
    // The object is never freed: its counts are checked when the execution ends, before
    // kmemleak's unreferenced object (which follows it).
    run_result r = run<charges<slip::keeps_ref>>(full());
    CHECK(verdict_of(r) == "leak: acct->ref is 1 after teardown, 0 before");
    REQUIRE(r.record.findings.size() >= 2);
    CHECK(!r.record.findings[0].at_free);
    CHECK(r.record.findings[1].sub == static_cast<std::uint8_t>(model::rt::leak_kind::object));
    CHECK(first_report(r).find("still allocated after teardown; set up by task") !=
          std::string::npos);
}
