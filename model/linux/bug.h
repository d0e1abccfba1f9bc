// Stand-in for include/asm-generic/bug.h.
//
// A WARN records a finding with the current task and call chain and lets the task go on, as
// the kernel does (syzbot runs with panic_on_warn, so by default the checker stops there).
// WARN_ON_ONCE and WARN_ONCE fire once per site per execution (one execution is one boot).
// BUG_ON is an oops: the execution ends there.
#pragma once

#include "model/rt/rt.h"

bool model_warn(bool cond, const ::model::rt::warn_site *site, bool once);
[[noreturn]] void model_bug(const ::model::rt::warn_site *site);

#define MODEL_SITE(text)                                                                           \
    ([]() -> const ::model::rt::warn_site * {                                                      \
        static constexpr ::model::rt::warn_site s{text, __FILE__, __LINE__};                       \
        return &s;                                                                                 \
    }())

// Catch2 (included earlier in a test, since Relacy and the model come last) has a WARN of its
// own; in model code the name is the kernel's.
#undef WARN

#define WARN_ON(condition) model_warn(!!(condition), MODEL_SITE(#condition), false)
#define WARN_ON_ONCE(condition) model_warn(!!(condition), MODEL_SITE(#condition), true)
#define WARN(condition, text) model_warn(!!(condition), MODEL_SITE(text), false)
#define WARN_ONCE(condition, text) model_warn(!!(condition), MODEL_SITE(text), true)
#define BUG_ON(condition)                                                                          \
    do {                                                                                           \
        if (condition)                                                                             \
            model_bug(MODEL_SITE(#condition));                                                     \
    } while (0)
#define BUG() model_bug(MODEL_SITE("BUG()"))
