// The background Lua thread's priority (LuaBackgroundThread.swift): it builds states ahead of
// demand, work no caller waits for, so it runs only on a core nothing else wants.
#define _GNU_SOURCE
#include "internal.h"
#include <pthread.h>
#include <sched.h>

int tfs_thread_run_when_idle(void) {
    struct sched_param param = {0};
    return pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
}
