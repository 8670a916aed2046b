#ifndef CLUASHIMS_H
#define CLUASHIMS_H
// The C half of LuaHost. Everything that may raise a Lua error (longjmp) lives here, so no
// Lua error ever unwinds through a Swift frame. Swift only calls functions that cannot raise,
// or calls these helpers, which run raising work under lua_pcall and return a status.
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>

// Status codes a host function (Swift) returns to the trampoline.
#define TFS_HOST_ERROR (-1)        // the error value is on top of the stack: raise it as is
#define TFS_HOST_YIELD (-2)        // suspend the coroutine: yield the one value on top (lua_yieldk)
#define TFS_HOST_ERROR_WHERE (-3)  // like TFS_HOST_ERROR, annotated with the caller's position

// Which limit stopped the script (sticky until tfs_reset_limits).
#define TFS_LIMIT_NONE 0
#define TFS_LIMIT_MEMORY 1
#define TFS_LIMIT_TIMEOUT 2
#define TFS_LIMIT_INTERRUPT 3

/// The Swift side of the trampoline: runs the host closure `context` on thread `L`.
typedef int (*tfs_dispatch_fn)(lua_State *L, void *context, void *host);
/// Where `print` writes (the embedder's sink): bytes that passed the output cap.
typedef void (*tfs_output_fn)(void *context, const char *bytes, size_t count);

// ---- interrupt flag (shared with other threads; outlives the state) ----
typedef struct tfs_interrupt tfs_interrupt;
tfs_interrupt *tfs_interrupt_new(void);
void tfs_interrupt_free(tfs_interrupt *flag);
void tfs_interrupt_request(tfs_interrupt *flag);
void tfs_interrupt_clear(tfs_interrupt *flag);
int tfs_interrupt_is_requested(tfs_interrupt *flag);

// ---- state, allocator, limits ----
/// A fresh state with the budgeted allocator and the count hook; NULL if out of memory.
lua_State *tfs_newstate(size_t memory_limit, tfs_interrupt *interrupt, tfs_dispatch_fn dispatch);
/// What the dispatcher gets as `host` on every host call of the state (the Swift object that
/// owns it, unretained): host functions shared by many states find their state through it.
void tfs_set_host(lua_State *L, void *host);
void tfs_close(lua_State *L);
/// Gives a state built ahead of demand its run's memory limit and stop request; 0 when it
/// already uses more than the limit (nothing changed).
int tfs_adopt(lua_State *L, size_t memory_limit, tfs_interrupt *interrupt);
/// How many states tfs_newstate made that tfs_close has not closed yet (any thread), so tests
/// can prove that runs leave no state behind.
long tfs_live_states(void);
/// Gives the calling thread's stack pages below its deepest `keep` bytes back to the system
/// (madvise), so a pooled Lua thread whose run recursed deeply does not keep that memory
/// resident; the `keep` nearest the current frame stay, so ordinary runs fault nothing in.
void tfs_thread_stack_trim(size_t keep);
/// Where the calling thread's stack is now (the caller's frame), for tests that use the stack
/// as a deep run does: from there down, a page at a time.
uintptr_t tfs_frame_address(void);
/// Names the calling thread for the system (`top -H`, `perf`, debuggers; the first 15 bytes).
void tfs_thread_set_name(const char *name);
/// Sets the deadline (<= 0: none) and returns its generation, for tfs_deadline_fire.
uint64_t tfs_set_deadline_after_ns(lua_State *L, int64_t nanoseconds);
/// Called by a timer at the deadline of `generation` (from any thread, even after the state
/// closed): stops the script if that deadline is still the state's and has passed.
void tfs_deadline_fire(tfs_interrupt *flag, uint64_t generation);
void tfs_set_limit_messages(lua_State *L, const char *memory, const char *timeout, const char *interrupt);
int tfs_limit_tripped(lua_State *L);
void tfs_reset_limits(lua_State *L);
size_t tfs_memory_used(lua_State *L);
size_t tfs_memory_peak(lua_State *L);
/// Stops the collector (returns whether it was running) and restarts it: for host set-up,
/// where everything allocated stays alive, so a collection could free nothing. An allocation
/// over budget still gets Lua's emergency collection.
int tfs_collector_pause(lua_State *L);
void tfs_collector_resume(lua_State *L, int was_running);
void tfs_relax_begin(lua_State *L);
/// Ends a relaxed section; returns 1 (and trips the memory limit) when usage is over budget
/// after a full collection.
int tfs_relax_end(lua_State *L);
/// Charges `bytes` of host memory held for the script (a Swift copy, an API page) to its
/// budget; a full collection runs first when needed. Returns 0 and trips the memory limit
/// when it does not fit. Never raises.
int tfs_charge(lua_State *L, size_t bytes);
/// Gives back bytes charged with tfs_charge.
void tfs_uncharge(lua_State *L, size_t bytes);
/// The memory limit in bytes (0: none).
size_t tfs_memory_limit(lua_State *L);
/// Caps what print writes per run (0: no cap); the host reports a truncation (tfs_output_truncated).
void tfs_set_output(lua_State *L, size_t max_output);
/// Sends print's output to `fn` (NULL, the default: discard).
void tfs_set_output_sink(lua_State *L, tfs_output_fn fn, void *context);
int tfs_output_truncated(lua_State *L);
/// Writes bytes to the state's output as print does, counted against the same cap (host
/// functions that print, like tf.show). Never raises.
void tfs_output_write(lua_State *L, const char *bytes, size_t count);

// ---- host functions ----
/// Pushes a Lua function that calls the dispatcher with `context`. Allocates: call relaxed.
void tfs_push_host_function(lua_State *L, void *context);
/// Sets `count` fields of the table on top, rawly: names[i] (lengths[i] bytes) to a host
/// function calling the dispatcher with contexts[i]. Allocates: call relaxed.
void tfs_set_host_functions(lua_State *L, const char *const *names, const size_t *lengths, void *const *contexts, int count);
/// Calls the function below `nargs` arguments under lua_pcall with a traceback handler.
/// On error the error value is on top; tfs_push_last_error_text pushes its text and traceback.
int tfs_pcall_traceback(lua_State *L, int nargs, int nresults);
/// Pushes the message text and then the traceback of the last error caught by tfs_pcall_traceback.
void tfs_push_last_error_text(lua_State *L);
/// 1 when the running host call is being re-run after its coroutine was resumed (it had
/// returned TFS_HOST_YIELD), else 0. Valid at the start of the dispatcher only.
int tfs_host_call_resumed(lua_State *L);
/// Whether the running coroutine can yield (not the main thread, no C call in the way).
static inline int tfs_isyieldable(lua_State *L) { return lua_isyieldable(L); }
/// Pushes "chunk:line" of the Lua code that called the running host function ("" if unknown).
void tfs_push_where(lua_State *L, int level);
/// Pushes the protected text of the value at idx (never raises; falls back to a description).
void tfs_push_describe(lua_State *L, int idx);

// ---- sandbox ----
typedef struct tfs_sandbox_options {
    const char *const *search_dirs; // folders `require` searches, in order
    int search_dir_count;
    const char *const *env_names;   // the variables os.getenv returns...
    const char *const *env_values;  // ...and their values (the host's to give; never read here)
    int env_name_count;
    int has_seed;
    int64_t seed;
} tfs_sandbox_options;
/// Opens the allow-listed libraries and strips them (DESIGN.md §4). Returns a Lua status; on
/// failure the error message is on top.
int tfs_open_sandbox(lua_State *L, const tfs_sandbox_options *options);
/// Locks the metatable on top (sets `__metatable`) so scripts can neither read nor change it.
void tfs_lock_metatable(lua_State *L);
/// Sets the metatable registered under `name` on the table at `idx`, unless the table already
/// has a protected metatable that is not one of the host's (returns 0 then, as setmetatable
/// refuses). Raw access only; never raises.
int tfs_set_host_metatable(lua_State *L, int idx, const char *name);
/// Whether the value at `idx` has exactly the metatable registered under `name` (identity,
/// never the `__name` a script can copy). Never raises.
int tfs_has_host_metatable(lua_State *L, int idx, const char *name);
/// Loads a text chunk (binary chunks are refused). Never raises.
int tfs_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname);
/// The Lua function on top of the stack (left there) as a binary chunk in a malloc'd buffer
/// (free it with tfs_free_dump), or NULL. For host code only: see tfs_load_host_binary.
char *tfs_dump_function(lua_State *L, size_t *size);
void tfs_free_dump(char *bytes);
/// Loads a binary chunk made by tfs_dump_function from the host's own source (never bytes a
/// script gave), pushing the function or the error; the memory limit applies as for text.
int tfs_load_host_binary(lua_State *L, const char *bytes, size_t size, const char *chunkname);

// ---- tests ----
/// Pushes a real binary chunk made by string.dump in a separate, unsandboxed state.
void tfs_push_binary_chunk(lua_State *L, const char *source);

/// Checks the deadline and the interrupt flag like the count hook does, without raising:
/// trips the limit and returns its TFS_LIMIT_* code (0 when none). For host functions that
/// block (HTTP, sleep) and must stop when the script's time is up.
int tfs_check_limits(lua_State *L);
/// tfs_check_limits, raising the limit when one has tripped; for long C loops called by Lua.
void tfs_check_limits_or_raise(lua_State *L);

/// Decodes the JSON string at `string_index` and pushes the value (1), or pushes nothing and
/// fills `err`/`erroffset` (0). Arrays and objects get the metatables registered under
/// `array_mt`/`object_mt`; null is the light userdata NULL. Never raises for bad input.
int tfs_json_decode_push(lua_State *L, int string_index, const char *array_mt, const char *object_mt,
                         int max_depth, char *err, size_t errlen, size_t *erroffset);
/// tfs_json_decode_push for text held outside Lua (an HTTP response): no Lua string copy.
/// `text` must stay valid for the call.
int tfs_json_decode_buffer_push(lua_State *L, const char *text, size_t len, const char *array_mt, const char *object_mt,
                                int max_depth, char *err, size_t errlen, size_t *erroffset);

// ---- macro wrappers ----
static inline int tfs_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int tfs_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void tfs_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void tfs_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void tfs_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void tfs_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
/// LUA_RELEASE of the headers compiled against ("Lua 5.4.4"), for `tfscript --version`.
static inline const char *tfs_lua_release(void) { return LUA_RELEASE; }
#endif
