// The small stand-ins: NUMA nodes, capabilities, user_struct, credentials, hash_ptr.
#include "model/linux/capability.h"
#include "model/linux/hash.h"
#include "model/linux/mm.h"
#include "model/linux/nodemask.h"
#include "model/linux/sched.h"
#include "model/linux/sched_user.h"
#include "model/linux/slab.h"

using namespace model::rt;

int nr_node_ids = 1;

void model_set_nr_nodes(int n)
{
    nr_node_ids = n;
}

int numa_node_id(void)
{
    return current->numa_node;
}

bool capable(int cap)
{
    return (current->cap_effective >> cap) & 1;
}

struct user_struct *model_alloc_uid(unsigned int uid)
{
    MODEL_FRAME_NAMED("alloc_uid");
    struct user_struct *u = kzalloc(sizeof(*u), GFP_KERNEL);
    refcount_set(&u->__count, 1);
    atomic_set(&u->processes, 0);
    // MODEL: the conservation oracle (compiler.h): every charge is uncharged by the time the
    // user_struct goes.
    model_conserve(&u->processes, "user->processes");
    u->uid = uid;
    return u;
}

struct user_struct *get_uid(struct user_struct *u)
{
    MODEL_FRAME();
    refcount_inc(&u->__count);
    return u;
}

void free_uid(struct user_struct *up)
{
    MODEL_FRAME();
    if (!up)
        return;
    if (refcount_dec_and_test(&up->__count))
        kfree(up);
}

const struct cred *override_creds(const struct cred *new_)
{
    const struct cred *old = current->cred;
    current->cred = new_;
    return old;
}

void revert_creds(const struct cred *old)
{
    current->cred = old;
}

unsigned int hash_ptr(const void *ptr, unsigned int bits)
{
    std::uintptr_t key = arena_offset(ptr);
    if (key == UINTPTR_MAX)
        key = reinterpret_cast<std::uintptr_t>(ptr);
    // The kernel's hash_64(): multiply by the golden ratio and keep the top bits.
    std::uint64_t h = static_cast<std::uint64_t>(key) * 0x61C8864680B583EBull;
    return static_cast<unsigned int>(h >> (64 - bits));
}
