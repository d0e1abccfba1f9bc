// Stand-in for the parts of include/linux/fs.h and file.h that io_uring's setup, attach and
// teardown use: a struct file with its count and operations, fdget/fdput, close.
//
// MODEL: a file descriptor is the struct file it refers to (there is no fd table). fdget()
// always takes a reference; the kernel skips it when the task's fd table is not shared,
// because the table entry itself keeps the file for the syscall's duration, so the file lives
// at least as long either way. Closing a descriptor is flush, then fput; the last fput calls
// release, synchronously (the kernel defers it to task_work, which runs before the closing
// task returns to userspace).
#pragma once

#include "model/linux/atomic.h"
#include "model/linux/compiler.h"
#include "model/linux/rcupdate.h"

struct file;
struct inode {
    model_var<int> i_ino;
};

struct file_operations {
    int (*flush)(struct file *, void *id);
    int (*release)(struct inode *, struct file *);
};

struct file {
    atomic_t f_count;
    model_var<const struct file_operations *> f_op;
    model_var<void *> private_data;
    struct inode *f_inode;
    // MODEL: what a read of this file does, for the io_uring requests the model issues.
    model_var<bool> regular;      // S_ISREG
    model_var<bool> read_blocks;  // a blocking read sleeps until data arrives (a pipe)
    // MODEL: the inode is the file's own (no dentry or inode cache).
    struct inode model_inode;
    struct rcu_head f_rcuhead;
};

struct fd {
    struct file *file;
};

struct fd fdget(struct file *fd);
void fdput(struct fd f);
struct file *get_file(struct file *f);
void fput(struct file *file);
// close(2) of one descriptor: the file's flush, then fput.
int model_close(struct file *file);
// A file of the given kind, with one reference (the descriptor's).
struct file *model_open(bool regular, bool read_blocks);
inline struct inode *file_inode(const struct file *f)
{
    return f->f_inode;
}
