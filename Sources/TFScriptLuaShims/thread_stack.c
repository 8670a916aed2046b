// A pooled Lua thread's stack (LuaThreadPool): pages a deep run touched are returned to the
// system when the run ends, so the pool's resident memory does not keep the deepest run's
// peak. The pages nearest the top (what every run uses) stay, so ordinary runs do not fault.
#define _GNU_SOURCE
#include "internal.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

// Whether any page in [low, high) is resident. Asking is far cheaper than giving back a range
// that holds none (what almost every run leaves): the kernel skips unpopulated page tables for
// mincore, while madvise made it flush other CPUs' TLBs each time a thread went to sleep.
static int any_resident(uintptr_t low, uintptr_t high, uintptr_t page) {
    unsigned char pages[4096];
    for (uintptr_t start = low; start < high;) {
        uintptr_t span = (high - start) / page < sizeof pages ? high - start : sizeof pages * page;
        if (mincore((void *)start, span, pages) != 0) return 1;
        for (size_t i = 0; i < (span + page - 1) / page; i++)
            if (pages[i] & 1) return 1;
        start += span;
    }
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
    if (high > low && any_resident(low, high, page)) madvise((void *)low, high - low, MADV_DONTNEED);
}
