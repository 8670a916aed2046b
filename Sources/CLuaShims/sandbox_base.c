// The sandbox's base functions (DESIGN.md §4): print with an output cap, pcall/xpcall that
// cannot catch a limit, load for text chunks only, a reduced collectgarbage, setmetatable
// without finalizers, and a filtered os.getenv.
//
// Each is a complete function of its own (not a wrapper that calls the original through
// lua_call), so argument errors name the function and point at the script's line exactly as
// stock Lua's do.
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <limits.h>

// ---- print with an output cap ----
static int sb_print(lua_State *L) {
    tfs_guard(L);
    tfs_sandbox *s = tfs_sb(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *text = luaL_tolstring(L, i, &len);
        if (i > 1) tfs_write_output(s, "\t", 1);
        tfs_write_output(s, text, len);
        lua_pop(L, 1);
    }
    tfs_write_output(s, "\n", 1);
    return 0;
}

// ---- pcall / xpcall that cannot swallow limits (Redis luaMaskCountHook) ----
static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
    tfs_sb(L)->relaxed = 0; // an unwind may have skipped the end of a relaxed section
    if (status != LUA_OK && status != LUA_YIELD) {
        tfs_note_status(L, status);
        tfs_guard(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    tfs_guard(L);
    return lua_gettop(L) - (int)extra;
}

static int sb_pcall(lua_State *L) {
    luaL_checkany(L, 1);
    tfs_guard(L);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

/// xpcall's message handler runs where the error was raised; for a limit raised from the count
/// hook that is with the thread's hooks off. So the script's handler is called only for
/// ordinary errors: a limit passes through untouched and no script code runs.
static int xpcall_handler(lua_State *L) {
    if (tfs_sb(L)->tripped) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    tfs_guard(L);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

// ---- load: text chunks only ----
#define LOAD_READER 1     // the reader function (stack slot in the protected loader)
#define LOAD_PIECE 2      // keeps the reader's last piece alive while the parser reads it

static const char binary_refused[] =
    "attempt to load a binary chunk (binary chunks are not allowed in the tfscript sandbox; load accepts text only)";

typedef struct load_source {
    const char *text; // a string chunk, or NULL for a reader function
    size_t size;
    int started;
} load_source;

static const char *read_piece(lua_State *L, void *ud, size_t *size) {
    load_source *src = ud;
    if (src->text) {
        if (src->started) { *size = 0; return NULL; }
        src->started = 1;
        *size = src->size;
        return src->text;
    }
    luaL_checkstack(L, 2, "too many nested functions");
    lua_pushvalue(L, LOAD_READER);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *size = 0;
        return NULL;
    }
    if (!lua_isstring(L, -1)) {
        luaL_where(L, 2); // the script line that called load (level 1 is load itself)
        lua_pushliteral(L, "reader function must return a string");
        lua_concat(L, 2);
        lua_error(L);
    }
    lua_replace(L, LOAD_PIECE);
    const char *piece = lua_tolstring(L, LOAD_PIECE, size);
    if (*size > 0) {
        if (!src->started && piece[0] == LUA_SIGNATURE[0]) {
            lua_pushstring(L, binary_refused);
            lua_error(L);
        }
        src->started = 1;
    }
    return piece;
}

/// Runs lua_load in a protected call of its own, with no message handler: a reader error
/// never reaches a handler outside `load` (Lua keeps the caller's in luaD_protectedparser).
static int load_protected(lua_State *L) {
    load_source *src = lua_touserdata(L, 3);
    const char *chunkname = lua_tostring(L, 4);
    const char *mode = lua_tostring(L, 5); // slots 4 and 5 keep both strings alive
    int status = lua_load(L, read_piece, src, chunkname, mode);
    if (status != LUA_OK) return lua_error(L);
    return 1;
}

static int sb_load(lua_State *L) {
    tfs_guard(L);
    size_t len = 0;
    const char *text = lua_tolstring(L, 1, &len);
    const char *mode = luaL_optstring(L, 3, "bt");
    int env = !lua_isnone(L, 4) ? 4 : 0;
    load_source src = { text, len, 0 };
    const char *chunkname;
    if (text) {
        chunkname = luaL_optstring(L, 2, text);
        if (len > 0 && text[0] == LUA_SIGNATURE[0]) {
            luaL_pushfail(L);
            lua_pushstring(L, binary_refused);
            return 2;
        }
    } else {
        chunkname = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
    }
    lua_pushcfunction(L, load_protected);
    lua_pushvalue(L, 1);                  // LOAD_READER
    lua_pushnil(L);                       // LOAD_PIECE
    lua_pushlightuserdata(L, &src);
    lua_pushstring(L, chunkname);
    lua_pushstring(L, mode);
    int status = lua_pcall(L, 5, 1, 0);
    tfs_sb(L)->relaxed = 0;
    if (status != LUA_OK) {
        tfs_note_status(L, status);
        tfs_guard(L);
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    tfs_guard(L);
    if (env) {
        lua_pushvalue(L, env);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

// ---- collectgarbage: count, step, collect ----
static int sb_collectgarbage(lua_State *L) {
    static const char *const options[] = {"stop", "restart", "collect", "count", "step", "setpause",
                                          "setstepmul", "isrunning", "generational", "incremental", NULL};
    int option = luaL_checkoption(L, 1, "collect", options);
    tfs_guard(L);
    switch (option) {
    case 2: // collect
        lua_gc(L, LUA_GCCOLLECT, 0);
        lua_pushinteger(L, 0);
        return 1;
    case 3: { // count
        int kb = lua_gc(L, LUA_GCCOUNT, 0);
        int rest = lua_gc(L, LUA_GCCOUNTB, 0);
        lua_pushnumber(L, (lua_Number)kb + ((lua_Number)rest / 1024));
        return 1;
    }
    case 4: { // step
        lua_Integer n = luaL_optinteger(L, 2, 0);
        int data = n > INT_MAX ? INT_MAX : n < INT_MIN ? INT_MIN : (int)n;
        lua_pushboolean(L, lua_gc(L, LUA_GCSTEP, data));
        return 1;
    }
    default:
        return luaL_error(L, "collectgarbage: option '%s' is not allowed in the tfscript sandbox (use \"count\", \"step\" or \"collect\")",
                          options[option]);
    }
}

// ---- setmetatable without __gc (finalizers run with hooks off) ----
static int sb_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int gc = lua_rawget(L, 2);
        lua_pop(L, 1);
        if (gc != LUA_TNIL)
            return luaL_error(L, "__gc metamethods (finalizers) are not allowed in the tfscript sandbox");
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

// ---- os.getenv, filtered ----
static int sb_getenv(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL) {
        luaL_pushfail(L);
        return 1;
    }
    const char *value = getenv(name);
    if (value) lua_pushstring(L, value); else luaL_pushfail(L);
    return 1;
}

void tfs_install_base(lua_State *L, int index) {
    index = lua_absindex(L, index);
    lua_pushnil(L); lua_setfield(L, index, "dofile");
    lua_pushnil(L); lua_setfield(L, index, "loadfile");
    lua_pushcfunction(L, sb_print); lua_setfield(L, index, "print");
    lua_pushcfunction(L, sb_pcall); lua_setfield(L, index, "pcall");
    lua_pushcfunction(L, sb_xpcall); lua_setfield(L, index, "xpcall");
    lua_pushcfunction(L, sb_load); lua_setfield(L, index, "load");
    lua_pushcfunction(L, sb_collectgarbage); lua_setfield(L, index, "collectgarbage");
    lua_pushcfunction(L, sb_setmetatable); lua_setfield(L, index, "setmetatable");
}

/// Pushes os.getenv restricted to the names in `o`.
void tfs_push_getenv(lua_State *L, const tfs_sandbox_options *o) {
    lua_createtable(L, 0, o->env_name_count);
    for (int i = 0; i < o->env_name_count; i++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, o->env_names[i]);
    }
    lua_pushcclosure(L, sb_getenv, 1);
}
