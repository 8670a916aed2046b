#ifndef TFS_INTERNAL_H
#define TFS_INTERNAL_H
#include "CLuaShims.h"
#include <stdatomic.h>

#include <pthread.h>

/// The stop request of one state, shared with other threads and outliving the state: the
/// REPL's Ctrl-C, task cancellation and the deadline timer fire it from any thread.
struct tfs_interrupt {
    atomic_int requested;         // TFS_LIMIT_INTERRUPT or TFS_LIMIT_TIMEOUT, 0 for none
    pthread_mutex_t lock;         // orders firing against the state closing
    struct tfs_sandbox *sandbox;  // NULL once the state is closed (guarded by `lock`)
};

/// The last allocation the budget refused, so the allocator can tell Lua's retry after its
/// emergency collection (same block, same sizes, nothing allocated in between) from a new
/// request: only a refusal that survives the emergency collection trips the memory limit.
typedef struct tfs_refusal {
    int pending;
    void *ptr;
    size_t osize, nsize;
} tfs_refusal;

/// Per-state host data; it is the allocator's userdata, so any thread of the state reaches it.
typedef struct tfs_sandbox {
    size_t used, peak, limit;
    size_t charged;         // host-side bytes held for the script (copies, pages): same budget
    int relaxed;            // > 0 while the host builds values; scoped, never left on by an unwind
    int tripped;            // TFS_LIMIT_*, sticky
    tfs_refusal refusal;
    int64_t deadline_ns;    // CLOCK_MONOTONIC; 0 = none
    tfs_interrupt *interrupt;
    tfs_dispatch_fn dispatch;
    void *host;             // passed to `dispatch`: the Swift object owning the state (unretained)
    int host_call_resumed;  // 1 while the dispatcher re-runs a host call that had suspended
    lua_State *main;        // the state's main thread
    _Atomic(lua_State *) running; // the thread running Lua code now (kept by the sandbox's coroutine functions)
    uint64_t deadline_generation; // which startClock the pending deadline timer belongs to (guarded by interrupt->lock)
    int close_depth;        // nesting of coroutine closes (Lua 5.4.4 recurses in C there)
    int concat_guard;       // 1 once a script can own a metatable: threads carry the call hook (concat_guard.c)
    size_t max_output, output_written;
    int output_truncated;
    tfs_output_fn output;   // where print writes; NULL = discard
    void *output_context;
    char memory_message[160], timeout_message[160], interrupt_message[160];
    char *arena, *arena_next, *arena_end; // the state's first allocations (limits.c); NULL for none
} tfs_sandbox;

static inline tfs_sandbox *tfs_sb(lua_State *L) {
    void *ud = NULL;
    (void)lua_getallocf(L, &ud);
    return (tfs_sandbox *)ud;
}

void tfs_hook(lua_State *L, lua_Debug *ar);
/// Sets `running` to `co` and returns the previous running thread. When a stop was requested
/// meanwhile, the caller's next tfs_guard raises it (the request and the switch cannot miss
/// each other: both sides store, then load, sequentially consistent).
lua_State *tfs_switch_running(tfs_sandbox *s, lua_State *co);
/// Turns a pending stop request (interrupt, deadline) into a tripped limit. Never raises.
void tfs_take_request(tfs_sandbox *s);
/// Gives the running thread `L` its resting hook (the concat guard's call hook once armed, else
/// none) without losing a stop requested meanwhile: if one is due, it trips and `L` is armed
/// again. Never raises.
void tfs_rest_running(tfs_sandbox *s, lua_State *L);
/// Pushes the message of the tripped limit and raises it. Only from C code run by Lua.
int tfs_raise_limit(lua_State *L);
/// Raises the tripped limit if there is one; otherwise returns. For every sandbox entry point:
/// once a limit trips, no script code runs again, not even in a `<close>` handler.
void tfs_guard(lua_State *L); // also takes a pending stop request (tfs_take_request)
/// After a protected call that caught `status`: a memory error is the memory limit (sticky).
void tfs_note_status(lua_State *L, int status);
/// Trips `limit` (if none is tripped yet) and arms the hook on the running thread, so the
/// next instruction or call raises it.
void tfs_trip(tfs_sandbox *s, int limit);
/// Appends `n` bytes to the run's output, honouring the output cap.
void tfs_write_output(tfs_sandbox *s, const char *p, size_t n);
/// Adds the value at `idx` to the registry set under `key` (created on first use). Raw access.
void tfs_set_add(lua_State *L, const void *key, int idx);
/// Whether the value at `idx` is in the registry set under `key`. Raw access; never raises.
int tfs_set_contains(lua_State *L, const void *key, int idx);
/// Marks the running thread `L` as stopped from inside the hook (Lua leaves its hooks off), so it
/// never runs again.
void tfs_mark_killed(lua_State *L);
/// Arms the concat guard (concat_guard.c) on the running thread `L`: from now on every thread
/// that runs Lua code refuses calls made by OP_CONCAT. For setmetatable. Never raises.
void tfs_concat_guard_arm(lua_State *L);
/// In the hook, at a call (`ar` from Lua): raises the guard's error if OP_CONCAT made the call.
void tfs_concat_guard_check(lua_State *L, lua_Debug *ar);
/// Whether the running C function was called from inside a hook (so with the thread's hooks
/// off: Lua calls a message handler where the error was raised). Never raises.
int tfs_called_in_hook(lua_State *L);
/// Whether the dead coroutine `co` died of the guard's error, raised inside the hook: Lua left
/// its hooks off, so its `<close>` handlers must not run. Never raises.
int tfs_died_in_concat_guard(lua_State *co);
/// Pushes on the dead `co` the error it died of (the guard's message at its position).
void tfs_push_concat_refusal(lua_State *co);
/// Installs the sandbox's coroutine.resume/wrap/close into the coroutine table at `index`.
void tfs_install_coroutine(lua_State *L, int index);
/// Installs the sandbox's base functions into the global table at `index`.
void tfs_install_base(lua_State *L, int index);
/// Installs `require` (module cache = the loaded-libraries registry table).
void tfs_install_require(lua_State *L, const tfs_sandbox_options *o);

/// Makes the collector blind to `__mode` (weak_mode.c): weak tables are strong. Raises when
/// this Lua build is not laid out as expected (the sandbox then refuses to open).
void tfs_disable_weak_mode(lua_State *L);
/// Checks Lua source before it is compiled (source_check.c): 1 when it may be loaded, else 0
/// with the reason in `err`.
int tfs_check_source(const char *text, size_t size, int max_chain, char *err, size_t errlen);
/// Loads text through the sandbox's checks (binary refused, source checked); a Lua status,
/// with the function or the message on top. Never raises (lua_load is protected).
int tfs_load_checked(lua_State *L, const char *text, size_t size, const char *chunkname, const char *mode);

#define TFS_MAX_INDEX_CHAIN 200
/// The parser-work bound of one chunk (source_budget.c), in steps of about 1.6 ns: worst measured 0.23 s.
#define TFS_MAX_PARSE_UNITS 100000000L
/// Source compiled at once (script, load, require): the linear part of compiling, about 0.15 s per
/// MiB for the costliest shapes (many distinct strings or table fields), so at most ~0.15 s.
#define TFS_MAX_SOURCE_BYTES (1 << 20)
#define TFS_MAX_CLOSE_DEPTH 32
#endif
