// The mutation switch of iowq-check-mutants (model/mutants.h): IOWQ_MUTANT names the one
// mutation to apply, read once at start-up; unset or empty applies none.
#include "model/mutants.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef IOWQ_MUTANTS
#error "model/mutants.cc belongs to the mutation-test build only"
#endif

namespace {

const char *const mutant_names[MUTANT_count] = {
#define MODEL_MUTATION_NAME(name) #name,
    MODEL_MUTATIONS(MODEL_MUTATION_NAME)
#undef MODEL_MUTATION_NAME
};

model_mutation chosen_from_env()
{
    const char *want = std::getenv("IOWQ_MUTANT");
    if (!want || !*want)
        return MUTANT_none;
    for (unsigned i = 0; i < MUTANT_count; i++)
        if (std::strcmp(want, mutant_names[i]) == 0)
            return static_cast<model_mutation>(i);
    std::fprintf(stderr, "iowq-check-mutants: unknown IOWQ_MUTANT '%s'; the mutants are:", want);
    for (const char *n : mutant_names)
        std::fprintf(stderr, " %s", n);
    std::fprintf(stderr, "\n");
    std::exit(2);
}

// Read before main(), outside Relacy's fibres.
const model_mutation chosen = chosen_from_env();

}  // namespace

bool model_mutant_on(model_mutation m)
{
    return chosen == m;
}
