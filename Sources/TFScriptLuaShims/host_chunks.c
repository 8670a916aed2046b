// Host Lua code (the `tf` module's preludes) compiled once per process and loaded as bytecode
// into each run's fresh state (issue 21: compiling them was a third of a small run's cost).
// Only bytes this file dumped from the host's own compiled source are ever loaded here;
// scripts' binary chunks stay refused everywhere (tfs_load_checked, the sandbox's `load`).
#include "internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *bytes;
    size_t size, capacity;
    int failed;
} dump_buffer;

static int dump_into(lua_State *L, const void *p, size_t size, void *ud) {
    (void)L;
    dump_buffer *b = ud;
    if (b->size + size > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->size + size) capacity *= 2;
        char *grown = realloc(b->bytes, capacity);
        if (!grown) { b->failed = 1; return 1; }
        b->bytes = grown;
        b->capacity = capacity;
    }
    memcpy(b->bytes + b->size, p, size);
    b->size += size;
    return 0;
}

char *tfs_dump_function(lua_State *L, size_t *size) {
    dump_buffer b = {0};
    *size = 0;
    if (!lua_isfunction(L, -1) || lua_iscfunction(L, -1)) return NULL;
    // Not stripped: tracebacks and error messages name the host chunk and line as before.
    if (lua_dump(L, dump_into, &b, 0) != 0 || b.failed) {
        free(b.bytes);
        return NULL;
    }
    *size = b.size;
    return b.bytes;
}

void tfs_free_dump(char *bytes) { free(bytes); }

int tfs_load_host_binary(lua_State *L, const char *bytes, size_t size, const char *chunkname) {
    tfs_sandbox *s = tfs_sb(L);
    int saved = s->relaxed;
    s->relaxed = 0;
    int status = luaL_loadbufferx(L, bytes, size, chunkname, "b");
    s->relaxed = saved;
    if (status != LUA_OK) tfs_note_status(L, status);
    return status;
}
