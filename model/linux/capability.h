// Stand-in for include/linux/capability.h: capable() of the current task.
#pragma once

#define CAP_SYS_ADMIN 21
#define CAP_SYS_RESOURCE 24

bool capable(int cap);
