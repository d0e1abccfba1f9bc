// The runtime's one engine (model/rt/engine.h) and its configuration. Each part of the runtime
// is a file of its own: tasks.cc, footprints.cc, heap.cc, plain.cc, rcu.cc, findings.cc; rt.h is
// their API.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/linux/sched.h"
#include "model/rt/engine.h"

namespace model::rt {
namespace {
engine g_engine;
}

std::uintptr_t g_arena_base = 0;
std::size_t g_arena_size = 0;
const std::uint8_t *g_shadow = nullptr;
bool g_checking = false;
bool g_fp_on = false;
bool g_window = true;
std::uint32_t g_at_rmw = 0;

engine &E()
{
    return g_engine;
}

[[noreturn]] void internal_error(const char *msg)
{
    std::fprintf(stderr, "iowq-model: internal error: %s\n", msg);
    std::abort();
}

bool call_chain::contains(std::string_view f) const
{
    for (int i = 0; i < depth; i++)
        if (f == frame[i])
            return true;
    return false;
}

void set_config(const config &c)
{
    E().cfg = c;
    g_window = !c.prologue;
}
const config &get_config()
{
    return E().cfg;
}
stats &get_stats()
{
    return E().st;
}

}  // namespace model::rt
