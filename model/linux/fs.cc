#include "model/linux/fs.h"
#include "model/linux/rcupdate.h"
#include "model/linux/sched.h"
#include "model/linux/slab.h"

struct file *model_open(bool regular, bool read_blocks)
{
    MODEL_FRAME_NAMED("alloc_file");
    struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);
    atomic_set(&f->f_count, 1);
    f->f_op = nullptr;
    f->private_data = nullptr;
    f->f_inode = &f->model_inode;
    f->regular = regular;
    f->read_blocks = read_blocks;
    return f;
}

struct file *get_file(struct file *f)
{
    MODEL_FRAME();
    atomic_inc(&f->f_count);
    return f;
}

void fput(struct file *file)
{
    MODEL_FRAME();
    if (!atomic_dec_and_test(&file->f_count))
        return;
    // __fput(): release, then the file is freed after an RCU grace period.
    const struct file_operations *fop = file->f_op;
    if (fop && fop->release)
        fop->release(file->f_inode, file);
    kfree_rcu(file, f_rcuhead);
}

struct fd fdget(struct file *fd)
{
    MODEL_FRAME();
    if (!fd)
        return {nullptr};
    return {get_file(fd)};
}

void fdput(struct fd f)
{
    MODEL_FRAME();
    if (f.file)
        fput(f.file);
}

int model_close(struct file *file)
{
    MODEL_FRAME_NAMED("filp_close");
    const struct file_operations *fop = file->f_op;
    if (fop && fop->flush)
        fop->flush(file, current->files);
    fput(file);
    // close(2) returns to user mode: a quiescent state under CONFIG_PREEMPT_NONE.
    model::rt::rcu_user_mode();
    return 0;
}
