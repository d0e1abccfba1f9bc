// Where the kernel has the model's frames: the table of kernel-lines.def, and the lookups the
// printers make in it. A frame is known by its name and its callee's (or, innermost, by what
// happened there), never by a line of the model, which moves with every edit.
#pragma once

#include <string>
#include <string_view>

namespace iowq {

// Where a kernel line was read: S1 (fs/io-wq.c at 24369c2e), the seed oops, or the KASAN report
// c4068bf898dd's message quotes (S7, a 5.9 build).
enum class kernel_source : unsigned char { S1, SEED, S7 };

// One row of the table (kernel-lines.def says what each kind means).
struct kernel_line {
    enum kind_t : unsigned char { call, site, inlined, helper } kind;
    const char *function;  // the caller, or the function itself
    const char *other;     // the callee, the event, or the helper; "" for inlined
    const char *file;      // "" for inlined and helper
    int line;
    kernel_source source;
};

inline constexpr kernel_line kernel_lines[] = {
// The macros' parameters are single letters, so that none can stand for a name in their bodies.
#define KERNEL_CALL(f, g, file, n, src) {kernel_line::call, #f, #g, file, n, kernel_source::src},
#define KERNEL_SITE(f, e, file, n, src) {kernel_line::site, #f, e, file, n, kernel_source::src},
#define KERNEL_INLINE(f, src) {kernel_line::inlined, #f, "", "", 0, kernel_source::src},
#define KERNEL_HELPER(f, h, src) {kernel_line::helper, #f, #h, "", 0, kernel_source::src},
#include "checks/report/kernel-lines.def"
#undef KERNEL_CALL
#undef KERNEL_SITE
#undef KERNEL_INLINE
#undef KERNEL_HELPER
};

// The row of `kind` for `function` and `other`, or nullptr.
inline const kernel_line *find_kernel_line(kernel_line::kind_t kind, std::string_view function,
                                           std::string_view other)
{
    for (const kernel_line &k : kernel_lines)
        if (k.kind == kind && function == k.function && other == k.other)
            return &k;
    return nullptr;
}

// "file:line" of a frame: where `function` calls `callee`, or, for the innermost frame (callee
// empty), where `event` happened in it; "" if the table does not say.
inline std::string kernel_location(std::string_view function, std::string_view callee,
                                   std::string_view event)
{
    const kernel_line *k = callee.empty() ? find_kernel_line(kernel_line::site, function, event)
                                          : find_kernel_line(kernel_line::call, function, callee);
    return k ? std::string(k->file) + ":" + std::to_string(k->line) : std::string();
}

// Whether syzbot's reports show `function` inlined into its caller.
inline bool kernel_inlined(std::string_view function)
{
    for (const kernel_line &k : kernel_lines)
        if (k.kind == kernel_line::inlined && function == k.function)
            return true;
    return false;
}

// The kernel's inline helper that does `function`'s work, or "".
inline std::string_view kernel_helper(std::string_view function)
{
    for (const kernel_line &k : kernel_lines)
        if (k.kind == kernel_line::helper && function == k.function)
            return k.other;
    return {};
}

}  // namespace iowq
