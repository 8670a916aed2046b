// The budgeted allocator, the hook, the stop requests and the deadline (DESIGN.md §4 limits).
//
// No hook runs while a script runs normally: any Lua hook routes every instruction through
// luaG_traceexec, which made CPU-bound Lua about twice as slow as in lua5.4. The hook is armed
// only when it must fire: when a limit trips (on this thread), when an interrupt or the
// deadline timer fires (from another thread: lua_sethook only stores fields and sets the
// running frames' `trap`, which the VM rereads at every backward jump, as lua.c relies on for
// SIGINT), and from then on at every instruction and call of the running coroutine. When no
// stop is due a thread's hook rests: on nothing, or, once a script can own a metatable, on
// the concat guard's call hook (concat_guard.c), which this file keeps on every thread that
// runs.
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

tfs_interrupt *tfs_interrupt_new(void) {
    tfs_interrupt *flag = calloc(1, sizeof *flag);
    if (!flag) return NULL;
    atomic_init(&flag->requested, 0);
    pthread_mutex_init(&flag->lock, NULL);
    return flag;
}

void tfs_interrupt_free(tfs_interrupt *flag) {
    pthread_mutex_destroy(&flag->lock);
    free(flag);
}

/// Arms the hook at every instruction and every call of the running thread, so whatever runs
/// next there raises the tripped or requested limit.
static void arm(tfs_sandbox *s) {
    lua_State *running = atomic_load(&s->running);
    if (running) lua_sethook(running, tfs_hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
}

static void fire(tfs_interrupt *flag, int reason) {
    int none = 0;
    atomic_compare_exchange_strong(&flag->requested, &none, reason);
    pthread_mutex_lock(&flag->lock);
    if (flag->sandbox) arm(flag->sandbox);
    pthread_mutex_unlock(&flag->lock);
}

void tfs_interrupt_request(tfs_interrupt *flag) { fire(flag, TFS_LIMIT_INTERRUPT); }
void tfs_interrupt_clear(tfs_interrupt *flag) { atomic_store(&flag->requested, 0); }
int tfs_interrupt_is_requested(tfs_interrupt *flag) { return atomic_load(&flag->requested) == TFS_LIMIT_INTERRUPT; }

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void tfs_deadline_fire(tfs_interrupt *flag, uint64_t generation) {
    pthread_mutex_lock(&flag->lock);
    tfs_sandbox *s = flag->sandbox;
    int due = s && s->deadline_generation == generation && s->deadline_ns && now_ns() >= s->deadline_ns;
    pthread_mutex_unlock(&flag->lock);
    if (due) fire(flag, TFS_LIMIT_TIMEOUT);
}

/// The hook a thread carries when no stop is due.
static void rest(tfs_sandbox *s, lua_State *T) {
    if (s->concat_guard) lua_sethook(T, tfs_hook, LUA_MASKCALL, 0);
    else lua_sethook(T, NULL, 0, 0);
}

lua_State *tfs_switch_running(tfs_sandbox *s, lua_State *co) {
    // A thread that has not run since the concat guard was armed gets its hook before it is
    // published as running: a stop request that arms it later overrides this, never the
    // reverse (and callers take pending requests right after the switch).
    if (s->concat_guard && !(lua_gethookmask(co) & LUA_MASKCALL)) rest(s, co);
    return atomic_exchange(&s->running, co);
}

void tfs_rest_running(tfs_sandbox *s, lua_State *L) {
    rest(s, L);
    // A request that arrived meanwhile may have armed L just before the line above replaced
    // its hook: look once more (store, fence, load: the requester stores its flag before it
    // arms, so one of the two sides sees the other).
    atomic_thread_fence(memory_order_seq_cst);
    tfs_take_request(s);
}

void tfs_take_request(tfs_sandbox *s) {
    if (s->tripped) return;
    int requested = s->interrupt ? atomic_load(&s->interrupt->requested) : 0;
    if (requested) tfs_trip(s, requested);
    else if (s->deadline_ns && now_ns() >= s->deadline_ns) tfs_trip(s, TFS_LIMIT_TIMEOUT);
}

void tfs_trip(tfs_sandbox *s, int limit) {
    if (!s->tripped) s->tripped = limit;
    arm(s);
}

static int over_budget(const tfs_sandbox *s, size_t growth) {
    size_t held = s->used + s->charged;
    return held + growth < held || held + growth > s->limit;
}

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define TFS_ARENA_BYTES 0 // AddressSanitizer sees every Lua block as its own allocation
#else
/// A state's first allocations come from one block of this size, carved in order (issue 21).
/// Building a state (the sandboxed library, `tf` and its preludes, ~40 KiB of Lua objects in
/// ~1,000 blocks) and closing it again was a fifth of a small run's time in malloc and free,
/// across threads (a state is built on one Lua thread and closed on another). Carved blocks
/// cost a pointer bump; freeing one is a no-op, and closing the state frees the block once.
/// What is freed inside it is not reused, so it wastes at most this much per state: it can
/// never let a script hold more than its memory limit plus this (the budget counts Lua's
/// bytes as before). Past it, blocks come from malloc as before.
#define TFS_ARENA_BYTES (128 << 10)
#endif

static inline int in_arena(const tfs_sandbox *s, const void *p) {
    return (const char *)p >= s->arena && (const char *)p < s->arena_end;
}

/// A block of `n` bytes carved from the arena (16-byte aligned, as malloc's), or NULL when it
/// does not fit.
static void *arena_carve(tfs_sandbox *s, size_t n) {
    size_t rounded = (n + 15) & ~(size_t)15;
    if (!s->arena || rounded < n || rounded > (size_t)(s->arena_end - s->arena_next)) return NULL;
    void *block = s->arena_next;
    s->arena_next += rounded;
    return block;
}

/// `realloc` for any block: carved ones shrink in place and grow by copying out.
static void *reallocate(tfs_sandbox *s, void *ptr, size_t osize, size_t nsize) {
    if (!ptr) {
        void *block = arena_carve(s, nsize);
        return block ? block : malloc(nsize);
    }
    if (!in_arena(s, ptr)) return realloc(ptr, nsize);
    if (nsize <= osize) return ptr;
    void *block = arena_carve(s, nsize);
    if (!block) block = malloc(nsize);
    if (block) memcpy(block, ptr, osize);
    return block;
}

/// Refuses growth past the budget, except while the host builds values (relaxed; checked when
/// the relaxed section ends). A refused allocation is not yet the limit: Lua answers a NULL
/// with an emergency full collection and asks again for the same block. Only when that retry
/// is refused too does the memory limit trip, so a script needs its live data, not twice it.
static void *tfs_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    tfs_sandbox *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (!in_arena(s, ptr)) free(ptr);
        s->used -= old;
        return NULL;
    }
    if (nsize > old && s->limit && !s->relaxed && over_budget(s, nsize - old)) {
        tfs_refusal *r = &s->refusal;
        if (r->pending && r->ptr == ptr && r->osize == osize && r->nsize == nsize) {
            r->pending = 0;
            tfs_trip(s, TFS_LIMIT_MEMORY);
        } else {
            r->pending = 1;
            r->ptr = ptr;
            r->osize = osize;
            r->nsize = nsize;
        }
        return NULL;
    }
    void *block = reallocate(s, ptr, old, nsize);
    if (!block) return NULL;
    if (nsize > old) s->refusal.pending = 0;
    s->used = s->used - old + nsize;
    if (s->used > s->peak) s->peak = s->used;
    return block;
}

static int tfs_panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "tfscript: internal error: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    fflush(stderr);
    abort();
    return 0;
}

static const char error_in_error_handling_key = 0;

static atomic_long live_states;

long tfs_live_states(void) { return atomic_load(&live_states); }

lua_State *tfs_newstate(size_t memory_limit, tfs_interrupt *interrupt, tfs_dispatch_fn dispatch) {
    tfs_sandbox *s = calloc(1, sizeof *s);
    if (!s) return NULL;
#if TFS_ARENA_BYTES
    if ((s->arena = malloc(TFS_ARENA_BYTES))) {
        s->arena_next = s->arena;
        s->arena_end = s->arena + TFS_ARENA_BYTES;
    }
#endif
    s->limit = memory_limit;
    s->interrupt = interrupt;
    s->dispatch = dispatch;
    s->output = NULL; // print is discarded until the host sets a sink: the library never writes to stdout
    strcpy(s->memory_message, "memory limit exceeded");
    strcpy(s->timeout_message, "timeout exceeded");
    strcpy(s->interrupt_message, "interrupted");
    s->relaxed = 1; // creating the state itself is the host's work
    lua_State *L = lua_newstate(tfs_alloc, s);
    s->relaxed = 0;
    if (!L) { free(s->arena); free(s); return NULL; }
    atomic_fetch_add(&live_states, 1);
    s->main = L;
    atomic_init(&s->running, L);
    if (interrupt) {
        pthread_mutex_lock(&interrupt->lock);
        interrupt->sandbox = s;
        // A stop requested before the state existed is delivered at its first instruction.
        if (atomic_load(&interrupt->requested)) arm(s);
        pthread_mutex_unlock(&interrupt->lock);
    }
    lua_atpanic(L, tfs_panic);
    // Lua makes this string when an error handler fails (luaE_seterrorobj), possibly with the
    // budget spent and outside any protected call; kept alive and interned, it never allocates
    // then (upstream hardening 25da574f).
    s->relaxed = 1;
    lua_pushliteral(L, "error in error handling");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &error_in_error_handling_key);
    s->relaxed = 0;
    return L; // no hook until one must fire (see the top of this file)
}

void tfs_set_host(lua_State *L, void *host) { tfs_sb(L)->host = host; }

/// Hands a state built ahead of its run (sandbox and host modules, no script code yet) to the
/// run: its memory limit and its stop request. Returns 0, changing nothing, when the state
/// already uses more than `memory_limit` (the run then builds its own, as it would have).
int tfs_adopt(lua_State *L, size_t memory_limit, tfs_interrupt *interrupt) {
    tfs_sandbox *s = tfs_sb(L);
    if (memory_limit && s->used + s->charged > memory_limit) return 0;
    s->limit = memory_limit;
    s->peak = s->used;
    if (s->interrupt != interrupt) {
        if (s->interrupt) {
            pthread_mutex_lock(&s->interrupt->lock);
            s->interrupt->sandbox = NULL;
            pthread_mutex_unlock(&s->interrupt->lock);
        }
        s->interrupt = interrupt;
        if (interrupt) {
            pthread_mutex_lock(&interrupt->lock);
            interrupt->sandbox = s;
            if (atomic_load(&interrupt->requested)) arm(s); // requested before the run began
            pthread_mutex_unlock(&interrupt->lock);
        }
    }
    return 1;
}

/// Closing runs no script code: scripts cannot own finalizers (setmetatable refuses `__gc`,
/// host metatables are locked), and any `<close>` handler still pending on the main thread
/// meets a tripped limit and an armed hook at its first instruction or call.
void tfs_close(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    if (s->interrupt) { // from now on a stop request or a late deadline timer touches nothing
        pthread_mutex_lock(&s->interrupt->lock);
        s->interrupt->sandbox = NULL;
        pthread_mutex_unlock(&s->interrupt->lock);
    }
    atomic_store(&s->running, L);
    tfs_trip(s, TFS_LIMIT_INTERRUPT);
    s->relaxed = 1;
    lua_close(L);
    free(s->arena);
    free(s);
    atomic_fetch_sub(&live_states, 1);
}

uint64_t tfs_set_deadline_after_ns(lua_State *L, int64_t nanoseconds) {
    tfs_sandbox *s = tfs_sb(L);
    if (s->interrupt) pthread_mutex_lock(&s->interrupt->lock);
    s->deadline_ns = nanoseconds > 0 ? now_ns() + nanoseconds : 0;
    uint64_t generation = ++s->deadline_generation;
    if (s->interrupt) {
        // A new deadline supersedes the old one's timer, which may have fired while the state
        // was idle (between two REPL chunks); an interrupt request stays.
        int timeout = TFS_LIMIT_TIMEOUT;
        atomic_compare_exchange_strong(&s->interrupt->requested, &timeout, 0);
        pthread_mutex_unlock(&s->interrupt->lock);
    }
    return generation;
}

static void copy_message(char *dst, size_t size, const char *src) {
    if (!src) return;
    strncpy(dst, src, size - 1);
    dst[size - 1] = 0;
}

void tfs_set_limit_messages(lua_State *L, const char *memory, const char *timeout, const char *interrupt) {
    tfs_sandbox *s = tfs_sb(L);
    copy_message(s->memory_message, sizeof s->memory_message, memory);
    copy_message(s->timeout_message, sizeof s->timeout_message, timeout);
    copy_message(s->interrupt_message, sizeof s->interrupt_message, interrupt);
}

int tfs_limit_tripped(lua_State *L) { return tfs_sb(L)->tripped; }

void tfs_reset_limits(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    s->tripped = TFS_LIMIT_NONE;
    s->refusal.pending = 0;
    atomic_store(&s->running, s->main);
    if (s->interrupt) tfs_interrupt_clear(s->interrupt);
    rest(s, s->main);
}

size_t tfs_memory_used(lua_State *L) { return tfs_sb(L)->used + tfs_sb(L)->charged; }
size_t tfs_memory_peak(lua_State *L) { return tfs_sb(L)->peak; }

int tfs_collector_pause(lua_State *L) {
    int running = lua_gc(L, LUA_GCISRUNNING);
    if (running) lua_gc(L, LUA_GCSTOP);
    return running;
}

void tfs_collector_resume(lua_State *L, int was_running) {
    if (!was_running) return;
    lua_gc(L, LUA_GCRESTART);
    // Restarting leaves the collector in debt: its first cycle would start at the next
    // allocation and mark everything set-up made, all of it alive. Lua's own pause rule
    // (LUAI_GCPAUSE, 200%) waits after a cycle until the heap has doubled; give the same credit
    // (a negative step adds to the credit and does no work, lapi.c LUA_GCSTEP).
    int kilobytes = lua_gc(L, LUA_GCCOUNT);
    if (kilobytes > 0) lua_gc(L, LUA_GCSTEP, -kilobytes);
}

void tfs_relax_begin(lua_State *L) { tfs_sb(L)->relaxed++; }

int tfs_relax_end(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    if (s->relaxed > 0) s->relaxed--;
    if (s->relaxed == 0 && s->limit && s->used + s->charged > s->limit) {
        lua_gc(L, LUA_GCCOLLECT, 0); // what the allocator would have done: collect first
        if (s->used + s->charged > s->limit) {
            tfs_trip(s, TFS_LIMIT_MEMORY);
            return 1;
        }
    }
    return 0;
}

int tfs_charge(lua_State *L, size_t bytes) {
    tfs_sandbox *s = tfs_sb(L);
    if (s->tripped) return 0;
    if (s->limit && over_budget(s, bytes)) {
        lua_gc(L, LUA_GCCOLLECT, 0);
        if (over_budget(s, bytes)) {
            tfs_trip(s, TFS_LIMIT_MEMORY);
            return 0;
        }
    }
    s->charged += bytes;
    return 1;
}

void tfs_uncharge(lua_State *L, size_t bytes) {
    tfs_sandbox *s = tfs_sb(L);
    s->charged -= bytes < s->charged ? bytes : s->charged;
}

size_t tfs_memory_limit(lua_State *L) { return tfs_sb(L)->limit; }

int tfs_raise_limit(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    const char *msg = s->tripped == TFS_LIMIT_MEMORY ? s->memory_message
                    : s->tripped == TFS_LIMIT_TIMEOUT ? s->timeout_message
                    : s->interrupt_message;
    // Re-arm on this thread too (it may not be the one the sandbox thinks is running).
    lua_sethook(L, tfs_hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
    s->relaxed++; // the message itself must not fail the budget check
    lua_pushstring(L, msg);
    s->relaxed--;
    return lua_error(L);
}

void tfs_guard(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    tfs_take_request(s);
    if (s->tripped) tfs_raise_limit(L);
}

void tfs_note_status(lua_State *L, int status) {
    tfs_sandbox *s = tfs_sb(L);
    if (status == LUA_ERRMEM && s->limit) tfs_trip(s, TFS_LIMIT_MEMORY);
}

/// Armed to deliver a stop (see the top of this file): raises the limit at the next instruction
/// or call. A limit raised here leaves the thread's hooks off if the error ends a coroutine
/// (Lua restores `allowhook` only in protected calls of the same thread), so the thread is
/// marked and the sandbox never runs it again. Armed with nothing due (a request cleared
/// meanwhile), it rests. Resting on the concat guard, it runs at every call and only checks
/// the call (and a tripped limit, which nothing may outrun).
void tfs_hook(lua_State *L, lua_Debug *ar) {
    tfs_sandbox *s = tfs_sb(L);
    if (!s->tripped && (lua_gethookmask(L) & LUA_MASKCOUNT)) {
        tfs_take_request(s);
        if (!s->tripped) tfs_rest_running(s, L);
    }
    if (s->tripped) {
        if (L != s->main) {
            s->relaxed++;
            tfs_mark_killed(L);
            s->relaxed--;
        }
        tfs_raise_limit(L);
    }
    if (ar->event == LUA_HOOKCALL && s->concat_guard) tfs_concat_guard_check(L, ar);
}

void tfs_set_output(lua_State *L, size_t max_output) { tfs_sb(L)->max_output = max_output; }

void tfs_set_output_sink(lua_State *L, tfs_output_fn fn, void *context) {
    tfs_sandbox *s = tfs_sb(L);
    s->output = fn;
    s->output_context = context;
}

int tfs_output_truncated(lua_State *L) { return tfs_sb(L)->output_truncated; }

void tfs_write_output(tfs_sandbox *s, const char *p, size_t n) {
    if (s->output_truncated) return;
    if (s->max_output && s->output_written + n > s->max_output) {
        size_t room = s->max_output - s->output_written;
        if (s->output && room) s->output(s->output_context, p, room);
        s->output_written = s->max_output;
        s->output_truncated = 1; // the host reports it (tfs_output_truncated): C never writes to stderr
        return;
    }
    if (s->output) s->output(s->output_context, p, n);
    s->output_written += n;
}

void tfs_output_write(lua_State *L, const char *bytes, size_t count) { tfs_write_output(tfs_sb(L), bytes, count); }

int tfs_check_limits(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    tfs_take_request(s);
    return s->tripped;
}

void tfs_check_limits_or_raise(lua_State *L) {
    if (tfs_check_limits(L)) tfs_raise_limit(L);
}
