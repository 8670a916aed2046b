// A pooled Lua thread's stack (LuaThreadPool): pages a deep run touched are returned to the
// system when the run ends, so the pool's resident memory does not keep the deepest run's
// peak. The pages nearest the top (what every run uses) stay, so ordinary runs do not fault.
#define _GNU_SOURCE
#include "internal.h"
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

// Whether a run went deeper than the kept part: any page resident in the window just below
// it. A stack grows down a frame at a time, and frames are far smaller than the window (Lua's
// and the host's C frames are a few KiB at most), so a run that touched anything deeper also
// touched the window. Asking only there matters: mincore over the whole 63 MiB below walked
// 16,000 page entries each time a thread went to sleep (~18 µs, 6% of a busy pool's CPU),
// while madvise on a range that holds nothing made the kernel flush other CPUs' TLBs.
static int went_deep(uintptr_t low, uintptr_t high, uintptr_t page) {
    enum { window_pages = 64 };
    unsigned char pages[window_pages];
    uintptr_t start = high - low > window_pages * page ? high - window_pages * page : low;
    if (mincore((void *)start, high - start, pages) != 0) return 1;
    for (size_t i = 0; i < (high - start) / page; i++)
        if (pages[i] & 1) return 1;
    return 0;
}

void tfs_thread_stack_trim(size_t keep) {
    // The stack's bounds, found once per thread (pthread_getattr_np asks the kernel for the
    // thread's CPU affinity each time).
    static __thread void *base;
    static __thread size_t size;
    if (!base) {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
        int ok = pthread_attr_getstack(&attr, &base, &size) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) base = NULL;
        if (!base) return;
    }
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t low = ((uintptr_t)base + page - 1) & ~(page - 1);
    // The frame address, never a local's: under AddressSanitizer's use-after-return detection
    // locals live on a "fake stack" elsewhere, and a range computed from one would cover other
    // mappings. Anything not inside this thread's stack is left alone.
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (sp < low + keep || sp > (uintptr_t)base + size) return;
    uintptr_t high = (sp - keep) & ~(page - 1);
    if (high > low && went_deep(low, high, page)) madvise((void *)low, high - low, MADV_DONTNEED);
}

__attribute__((noinline)) uintptr_t tfs_frame_address(void) {
    return (uintptr_t)__builtin_frame_address(0);
}

void tfs_thread_set_name(const char *name) {
    char shown[16]; // the system keeps 15 bytes and refuses longer names
    snprintf(shown, sizeof shown, "%s", name);
    pthread_setname_np(pthread_self(), shown);
}
