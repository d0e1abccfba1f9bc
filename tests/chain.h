// A call chain from its frames, outermost first, for the printers' tests.
#pragma once

#include <initializer_list>

#include "model/rt/types.h"

inline model::rt::call_chain chain(std::initializer_list<const char *> frames)
{
    model::rt::call_chain c;
    for (const char *f : frames)
        c.frame[c.depth++] = f;
    return c;
}
