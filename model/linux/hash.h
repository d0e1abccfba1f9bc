// Stand-in for include/linux/hash.h: hash_ptr().
//
// MODEL: the model hashes where the object sits in the execution's heap (deterministic from
// one run to the next), not its address.
#pragma once

#include <cstdint>

unsigned int hash_ptr(const void *ptr, unsigned int bits);
