// The versions of the code the model can run, chosen at run time.
//
// Each upstream fix is a switch named by its commit; the model applies it at its own site,
// marked FIX(<commit>). A proposed fix is a switch too, named as its entry below says, and is
// in no named model until it is upstream. A named model is a set of switches, plus two variants
// that change the code itself: `parent` (the commit before 24369c2e, whose io_uring_setup() rejects
// IORING_SETUP_ATTACH_WQ) and the what-if `whatif-no-rcu` (not the kernel: io_worker_exit()
// frees the worker with kfree() instead of kfree_rcu(), marked WHATIF(no-rcu)).
#pragma once

#include <cstddef>
#include <string_view>

enum model_fix : unsigned {
    FIX_c4068bf898dd = 1u << 0,
    FIX_00c18640c243 = 1u << 1,
    FIX_e6ab8991c5d0 = 1u << 2,
    FIX_83d6c39310b6 = 1u << 3,
    FIX_bf1daa4bfc77 = 1u << 4,
    FIX_8b3e78b5955a = 1u << 5,
    // Proposed, not upstream (docs/proposals/r11-create-io-worker-publish-last.txt): named by
    // the first 12 hex digits of that file's git blob id until it is a kernel commit.
    FIX_d9b46f91b8fd = 1u << 6,
};
inline constexpr std::size_t model_nr_fixes = 7;
inline constexpr unsigned model_fix_mask = (1u << model_nr_fixes) - 1;

struct model_fix_info {
    model_fix bit;
    const char *id;       // abbreviated commit id
    const char *title;    // the commit's subject line
    const char *adapted;  // how it was adapted to 24369c2e's code, or "" if applied as is
};

struct model_version {
    const char *name;
    unsigned fixes;
    bool parent;         // eba6f5a330cf: IORING_SETUP_ATTACH_WQ does not exist yet
    bool whatif_no_rcu;  // WHATIF(no-rcu): not the kernel
    const char *what;
};

extern const model_fix_info model_fixes[model_nr_fixes];
extern const model_version model_versions[4];

// The version the next executions run.
void model_select(unsigned fixes, bool parent, bool whatif_no_rcu);
bool model_fixed(model_fix f);
bool model_is_parent();
bool model_whatif_no_rcu();

// Looks a fix up by its id (any unambiguous prefix of at least 7 hex digits) or a named model
// by its name; nullptr if there is none.
const model_fix_info *model_find_fix(std::string_view id);
const model_version *model_find_version(std::string_view name);
