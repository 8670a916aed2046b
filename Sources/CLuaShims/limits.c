// The budgeted allocator, the count hook and the interrupt flag (DESIGN.md §4 limits).
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

tfs_interrupt *tfs_interrupt_new(void) {
    tfs_interrupt *flag = malloc(sizeof *flag);
    if (flag) atomic_init(&flag->requested, 0);
    return flag;
}
void tfs_interrupt_free(tfs_interrupt *flag) { free(flag); }
void tfs_interrupt_request(tfs_interrupt *flag) { atomic_store(&flag->requested, 1); }
void tfs_interrupt_clear(tfs_interrupt *flag) { atomic_store(&flag->requested, 0); }
int tfs_interrupt_is_requested(tfs_interrupt *flag) { return atomic_load(&flag->requested); }

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/// Refuses growth past the budget unless the host is building values (mozilla lua_sandbox).
static void *tfs_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    tfs_sandbox *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        s->used -= old;
        return NULL;
    }
    if (nsize > old && s->limit && !s->relaxed) {
        size_t growth = nsize - old;
        if (s->used + growth > s->limit || s->used + growth < s->used) {
            if (!s->tripped) s->tripped = TFS_LIMIT_MEMORY;
            return NULL;
        }
    }
    void *block = realloc(ptr, nsize);
    if (!block) return NULL;
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

lua_State *tfs_newstate(size_t memory_limit, tfs_interrupt *interrupt, tfs_dispatch_fn dispatch) {
    tfs_sandbox *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->limit = memory_limit;
    s->interrupt = interrupt;
    s->dispatch = dispatch;
    strcpy(s->memory_message, "memory limit exceeded");
    strcpy(s->timeout_message, "timeout exceeded");
    strcpy(s->interrupt_message, "interrupted");
    strcpy(s->truncation_message, "tfscript: output truncated");
    s->relaxed = 1; // creating the state itself is the host's work
    lua_State *L = lua_newstate(tfs_alloc, s);
    s->relaxed = 0;
    if (!L) { free(s); return NULL; }
    lua_atpanic(L, tfs_panic);
    lua_sethook(L, tfs_hook, LUA_MASKCOUNT, TFS_HOOK_INTERVAL);
    return L;
}

void tfs_close(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    s->relaxed = 1;
    lua_close(L);
    free(s);
}

void tfs_set_deadline_after_ns(lua_State *L, int64_t nanoseconds) {
    tfs_sb(L)->deadline_ns = nanoseconds > 0 ? now_ns() + nanoseconds : 0;
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
    if (s->interrupt) tfs_interrupt_clear(s->interrupt);
    lua_sethook(L, tfs_hook, LUA_MASKCOUNT, TFS_HOOK_INTERVAL);
}

size_t tfs_memory_used(lua_State *L) { return tfs_sb(L)->used; }
size_t tfs_memory_peak(lua_State *L) { return tfs_sb(L)->peak; }

void tfs_relax_begin(lua_State *L) { tfs_sb(L)->relaxed++; }

int tfs_relax_end(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    s->relaxed--;
    if (s->relaxed == 0 && s->limit && s->used > s->limit) {
        if (!s->tripped) s->tripped = TFS_LIMIT_MEMORY;
        return 1;
    }
    return 0;
}

int tfs_raise_limit(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    const char *msg = s->tripped == TFS_LIMIT_MEMORY ? s->memory_message
                    : s->tripped == TFS_LIMIT_TIMEOUT ? s->timeout_message
                    : s->interrupt_message;
    // Re-arm at every instruction of this thread so nothing runs after a limit.
    lua_sethook(L, tfs_hook, LUA_MASKCOUNT, 1);
    s->relaxed++; // the message itself must not fail the budget check
    lua_pushstring(L, msg);
    s->relaxed--;
    return lua_error(L);
}

/// Every TFS_HOOK_INTERVAL instructions: deadline and interrupt; once tripped, every instruction.
void tfs_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    tfs_sandbox *s = tfs_sb(L);
    if (!s->tripped) {
        if (s->interrupt && atomic_load(&s->interrupt->requested)) s->tripped = TFS_LIMIT_INTERRUPT;
        else if (s->deadline_ns && now_ns() >= s->deadline_ns) s->tripped = TFS_LIMIT_TIMEOUT;
    }
    if (s->tripped) tfs_raise_limit(L);
}

void tfs_set_output(lua_State *L, size_t max_output, const char *truncation_message) {
    tfs_sandbox *s = tfs_sb(L);
    s->max_output = max_output;
    copy_message(s->truncation_message, sizeof s->truncation_message, truncation_message);
}

int tfs_output_truncated(lua_State *L) { return tfs_sb(L)->output_truncated; }

int tfs_flush_stdout(int blocking) {
    if (blocking) return fflush(stdout);
    if (ftrylockfile(stdout) != 0) return -1; // the Lua thread is writing: do not wait for it
    int result = fflush(stdout);
    funlockfile(stdout);
    return result;
}

int tfs_check_limits(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    if (!s->tripped) {
        if (s->interrupt && atomic_load(&s->interrupt->requested)) s->tripped = TFS_LIMIT_INTERRUPT;
        else if (s->deadline_ns && now_ns() >= s->deadline_ns) s->tripped = TFS_LIMIT_TIMEOUT;
    }
    return s->tripped;
}
