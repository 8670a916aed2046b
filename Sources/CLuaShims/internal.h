#ifndef TFS_INTERNAL_H
#define TFS_INTERNAL_H
#include "CLuaShims.h"
#include <stdatomic.h>

struct tfs_interrupt {
    atomic_int requested;
};

/// Per-state host data; it is the allocator's userdata, so any thread of the state reaches it.
typedef struct tfs_sandbox {
    size_t used, peak, limit;
    int relaxed;            // > 0 while the host builds values (trampoline, runner)
    int tripped;            // TFS_LIMIT_*, sticky
    int64_t deadline_ns;    // CLOCK_MONOTONIC; 0 = none
    tfs_interrupt *interrupt;
    tfs_dispatch_fn dispatch;
    int host_call_resumed;  // 1 while the dispatcher re-runs a host call that had suspended
    size_t max_output, output_written;
    int output_truncated;
    char memory_message[160], timeout_message[160], interrupt_message[160], truncation_message[200];
} tfs_sandbox;

static inline tfs_sandbox *tfs_sb(lua_State *L) {
    void *ud = NULL;
    (void)lua_getallocf(L, &ud);
    return (tfs_sandbox *)ud;
}

void tfs_hook(lua_State *L, lua_Debug *ar);
/// Pushes the message of the tripped limit and raises it. Only from C code run by Lua.
int tfs_raise_limit(lua_State *L);
#define TFS_HOOK_INTERVAL 10000
#endif
