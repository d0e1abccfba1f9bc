// Stand-in for include/linux/err.h: error values carried in pointers.
#pragma once

#include <cerrno>
#include <cstdint>

#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

template <class T = void>
inline T *ERR_PTR(long error)
{
    return reinterpret_cast<T *>(static_cast<std::intptr_t>(error));
}
inline long PTR_ERR(const void *ptr)
{
    return static_cast<long>(reinterpret_cast<std::intptr_t>(ptr));
}
inline bool IS_ERR(const void *ptr)
{
    return IS_ERR_VALUE(reinterpret_cast<std::uintptr_t>(ptr));
}
inline bool IS_ERR_OR_NULL(const void *ptr)
{
    return !ptr || IS_ERR(ptr);
}
