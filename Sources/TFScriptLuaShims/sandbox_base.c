// The sandbox's base functions (DESIGN.md §4): print with an output cap, pcall/xpcall that
// cannot catch a limit, load for text chunks only, a reduced collectgarbage, setmetatable
// without finalizers (and arming the concat guard), and a filtered os.getenv.
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

/// xpcall's message handler runs where the error was raised; for an error raised from the
/// hook (a limit, the concat guard's refusal) that is with the thread's hooks off. So the
/// script's handler is called only for ordinary errors: those pass through untouched and no
/// script code runs.
static int xpcall_handler(lua_State *L) {
    if (tfs_sb(L)->tripped || tfs_called_in_hook(L)) return 1;
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
static const char binary_refused[] =
    "attempt to load a binary chunk (binary chunks are not allowed in the tfscript sandbox; load accepts text only)";

/// Reads a reader function's pieces into one string (a protected call of its own, with no
/// message handler: a reader error never reaches a handler outside `load`, as Lua would let it
/// through luaD_protectedparser). The whole text is then checked before it is compiled.
static int read_all_pieces(lua_State *L) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) { lua_pop(L, 1); break; }
        if (!lua_isstring(L, -1)) {
            luaL_where(L, 2); // the script line that called load (level 1 is load itself)
            lua_pushliteral(L, "reader function must return a string");
            lua_concat(L, 2);
            return lua_error(L);
        }
        size_t size;
        lua_tolstring(L, -1, &size);
        if (size == 0) { lua_pop(L, 1); break; } // an empty piece ends the chunk, as in Lua
        luaL_addvalue(&b);
        if (luaL_bufflen(&b) > TFS_MAX_SOURCE_BYTES) break; // refused by size anyway: read no more
    }
    luaL_pushresult(&b);
    return 1;
}

int tfs_load_checked(lua_State *L, const char *text, size_t size, const char *chunkname, const char *mode) {
    if (size > 0 && text[0] == LUA_SIGNATURE[0]) {
        lua_pushstring(L, binary_refused);
        return LUA_ERRSYNTAX;
    }
    if (size > TFS_MAX_SOURCE_BYTES) {
        // Compiling is one C call no hook can interrupt: its linear part is bounded by size
        // (about 0.15 s at this size), the rest by the source check's budget.
        lua_pushfstring(L, "%s: chunk of %I bytes is larger than the %d MiB the tfscript sandbox compiles",
                        chunkname[0] == '=' || chunkname[0] == '@' ? chunkname + 1 : "chunk",
                        (lua_Integer)size, TFS_MAX_SOURCE_BYTES >> 20);
        return LUA_ERRSYNTAX;
    }
    char problem[300];
    if (!tfs_check_source(text, size, TFS_MAX_INDEX_CHAIN, problem, sizeof problem)) {
        lua_pushfstring(L, "%s: %s", chunkname[0] == '=' || chunkname[0] == '@' ? chunkname + 1 : "chunk", problem);
        return LUA_ERRSYNTAX;
    }
    int status = luaL_loadbufferx(L, text, size, chunkname, mode);
    tfs_sb(L)->relaxed = 0;
    if (status != LUA_OK) tfs_note_status(L, status);
    return status;
}

static int sb_load(lua_State *L) {
    tfs_guard(L);
    size_t len = 0;
    const char *text = lua_tolstring(L, 1, &len);
    const char *mode = luaL_optstring(L, 3, "bt");
    int env = !lua_isnone(L, 4) ? 4 : 0;
    const char *chunkname;
    if (text) {
        chunkname = luaL_optstring(L, 2, text);
    } else {
        chunkname = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
        lua_pushcfunction(L, read_all_pieces);
        lua_pushvalue(L, 1);
        int status = lua_pcall(L, 1, 1, 0);
        tfs_sb(L)->relaxed = 0;
        if (status != LUA_OK) {
            tfs_note_status(L, status);
            tfs_guard(L);
            luaL_pushfail(L);
            lua_insert(L, -2);
            return 2;
        }
        tfs_guard(L);
        text = lua_tolstring(L, -1, &len); // stays on the stack while it is compiled
    }
    int status = tfs_load_checked(L, text, len, chunkname, mode);
    tfs_guard(L);
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
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

// ---- setmetatable without __gc (finalizers run with hooks off); arms the concat guard ----
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
        // From here on the script owns a metatable it may give `__concat` at any time.
        tfs_concat_guard_arm(L);
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

// ---- os.getenv, from the host's table ----
// The variables are the ones the host gave (the CLI reads its --env NAME values): the library
// never reads the process's environment.
static int sb_getenv(lua_State *L) {
    luaL_checkstring(L, 1);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL) luaL_pushfail(L);
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

/// Pushes os.getenv answering only the variables in `o`, with their given values.
void tfs_push_getenv(lua_State *L, const tfs_sandbox_options *o) {
    lua_createtable(L, 0, o->env_name_count);
    for (int i = 0; i < o->env_name_count; i++) {
        lua_pushstring(L, o->env_values[i]);
        lua_setfield(L, -2, o->env_names[i]);
    }
    lua_pushcclosure(L, sb_getenv, 1);
}
