// The one place that includes Relacy.
//
// Relacy must come after every standard and third-party header (it #defines new, delete,
// malloc, free, assert, errno and the pthread names), and relacy_std.hpp is never used (it does
// not build with g++ 12). After the include we take the macros back, so that the rest of the
// model is ordinary C++: the model never allocates with new or malloc (see slab.h), and the
// errno values are glibc's again (the
// same numbers as the kernel's on Linux).
#pragma once

#include <cassert>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>

#pragma push_macro("assert")
#pragma push_macro("errno")
#pragma push_macro("EINVAL")
#pragma push_macro("ETIMEDOUT")
#pragma push_macro("EBUSY")
#pragma push_macro("EINTR")
#pragma push_macro("EAGAIN")
#pragma push_macro("EWOULDBLOCK")
#include <relacy/relacy.hpp>
#undef assert
#undef errno
#undef EINVAL
#undef ETIMEDOUT
#undef EBUSY
#undef EINTR
#undef EAGAIN
#undef EWOULDBLOCK
#pragma pop_macro("assert")
#pragma pop_macro("errno")
#pragma pop_macro("EINVAL")
#pragma pop_macro("ETIMEDOUT")
#pragma pop_macro("EBUSY")
#pragma pop_macro("EINTR")
#pragma pop_macro("EAGAIN")
#pragma pop_macro("EWOULDBLOCK")

#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef VAR
#undef VAR_T
#undef TLS_T
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst
