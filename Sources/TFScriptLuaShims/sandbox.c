// The sandboxed standard library (DESIGN.md §4): allow-listed libraries, each opened on its
// own, with the sandbox's functions in place (sandbox_base.c, sandbox_coroutine.c,
// sandbox_require.c). Never luaL_openlibs: with `package` reachable, package.loadlib loads
// any C function (CVE-2022-0543).
//
// What is protected is the host, not the script from itself: library tables are the real,
// writable tables (each run has a fresh state). Host metatables are locked; host Lua code keeps
// local references taken before the script runs.
#include "internal.h"
#include "bounded.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tfs_push_getenv(lua_State *L, const tfs_sandbox_options *o);
void tfs_push_date(lua_State *L);

static const char host_metatables_key = 0; // set of the host's metatables (identity)

// ---- host metatables ----

void tfs_set_add(lua_State *L, const void *key, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, key);
    }
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

int tfs_set_contains(lua_State *L, const void *key, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushvalue(L, idx);
    int found = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return found;
}

void tfs_lock_metatable(lua_State *L) {
    lua_pushliteral(L, "__metatable");
    lua_pushboolean(L, 0);
    lua_rawset(L, -3);
    tfs_set_add(L, &host_metatables_key, -1);
}

static int is_host_metatable(lua_State *L, int idx) { return tfs_set_contains(L, &host_metatables_key, idx); }

int tfs_set_host_metatable(lua_State *L, int idx, const char *name) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 4) || lua_type(L, idx) != LUA_TTABLE) return 0;
    if (lua_getmetatable(L, idx)) {
        int replaceable = is_host_metatable(L, -1);
        if (!replaceable) {
            lua_pushliteral(L, "__metatable");
            replaceable = lua_rawget(L, -2) == LUA_TNIL;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        if (!replaceable) return 0;
    }
    if (lua_getfield(L, LUA_REGISTRYINDEX, name) != LUA_TTABLE || !is_host_metatable(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    lua_setmetatable(L, idx);
    return 1;
}

int tfs_has_host_metatable(lua_State *L, int idx, const char *name) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 2) || !lua_getmetatable(L, idx)) return 0;
    lua_pushstring(L, name);
    lua_rawget(L, LUA_REGISTRYINDEX);
    int same = lua_rawequal(L, -1, -2) && is_host_metatable(L, -1);
    lua_pop(L, 2);
    return same;
}

// ---- assembling the sandbox ----

// The self-check (DESIGN.md §4), before any user code: what must be unreachable is asserted
// through the globals a script sees, calling the sandbox's own functions as a script would.
// Written in C rather than as a Lua chunk: compiling that chunk for every state was a tenth of
// a small embedded run (issue 21); the checks are the same.
static int check_failed(lua_State *L, const char *what) { return luaL_error(L, "%s", what); }

// The reader of `load(function() return table.remove(chunks) end)`: the chunk once, then nil.
static int reader_function(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    lua_replace(L, lua_upvalueindex(1));
    return 1;
}

// Calls global `name` with the `nargs` values on top; 1 if it raised (the error is popped),
// else 0 with its first result on top.
static int call_global(lua_State *L, const char *name, int nargs) {
    lua_getglobal(L, name);
    lua_insert(L, -1 - nargs);
    if (lua_pcall(L, nargs, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        return 1;
    }
    return 0;
}

static void run_self_check(lua_State *L) {
    static const char *const forbidden[] = {"package", "io", "debug", "dofile", "loadfile"};
    lua_pushglobaltable(L);
    for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++) {
        if (lua_getfield(L, -1, forbidden[i]) != LUA_TNIL) luaL_error(L, "global %s is reachable", forbidden[i]);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_getglobal(L, "string");
    if (lua_getfield(L, -1, "dump") != LUA_TNIL) check_failed(L, "string.dump is reachable");
    lua_pop(L, 2);
    lua_getglobal(L, "os");
    static const char *const os_removed[] = {"execute", "exit", "remove"};
    for (size_t i = 0; i < sizeof os_removed / sizeof *os_removed; i++) {
        if (lua_getfield(L, -1, os_removed[i]) != LUA_TNIL) check_failed(L, "os is not reduced");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    // A binary chunk, as a string and from a reader function, through the sandbox's `load`.
    char chunk[4 + 32 + 1];
    memcpy(chunk, LUA_SIGNATURE, 4);
    memset(chunk + 4, 'x', 32);
    chunk[sizeof chunk - 1] = 0;
    lua_pushlstring(L, chunk, 4 + 32);
    if (call_global(L, "load", 1) || !lua_isnil(L, -1)) check_failed(L, "binary load is reachable");
    lua_pop(L, 1);
    lua_pushlstring(L, chunk, 4 + 32);
    lua_pushcclosure(L, reader_function, 1);
    if (call_global(L, "load", 1) || !lua_isnil(L, -1)) check_failed(L, "binary load is reachable");
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    if (call_global(L, "getmetatable", 1) || !lua_isboolean(L, -1) || lua_toboolean(L, -1))
        check_failed(L, "string metatable is reachable");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__gc");
    if (!call_global(L, "setmetatable", 2)) check_failed(L, "finalizers are allowed");
    static const char *const gc_options[] = {"stop", "generational", "incremental", "setpause"};
    for (size_t i = 0; i < sizeof gc_options / sizeof *gc_options; i++) {
        lua_pushstring(L, gc_options[i]);
        if (!call_global(L, "collectgarbage", 1)) luaL_error(L, "collectgarbage %s is allowed", gc_options[i]);
    }
    lua_pushliteral(L, "os");
    if (call_global(L, "require", 1)) check_failed(L, "require('os') failed");
    lua_getglobal(L, "os");
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 1);
    if (!same || !lua_istable(L, -1) || lua_getfield(L, -1, "execute") != LUA_TNIL)
        check_failed(L, "the loaded os library is not the reduced one");
    lua_pop(L, 2);
}

static int open_sandbox_protected(lua_State *L) {
    const tfs_sandbox_options *o = lua_touserdata(L, 1);
    lua_settop(L, 0);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0); // not global: reduced below
    // stack: 1 _G, 2 string, 3 table, 4 math, 5 utf8, 6 coroutine, 7 os (full)

    tfs_disable_weak_mode(L); // before any table can have a metatable
    tfs_install_base(L, 1);
    tfs_install_coroutine(L, 6);
    tfs_install_require(L, o);
    tfs_install_bounded_library(L, 2, 3); // string and table functions whose loops check the limits

    // string: no dump; its metatable (shared by every string, host code included) is locked
    lua_pushnil(L);
    lua_setfield(L, 2, "dump");
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    // os reduced to time, clock, date, difftime and a filtered getenv; the reduced table is
    // what the loaded-libraries table holds too, so nothing can reach the full one
    lua_createtable(L, 0, 5);
    const char *keep[] = {"time", "clock", "difftime"};
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, 7, keep[i]);
        lua_setfield(L, -2, keep[i]);
    }
    tfs_push_date(L);
    lua_setfield(L, -2, "date");
    tfs_push_getenv(L, o);
    lua_setfield(L, -2, "getenv");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, LUA_OSLIBNAME);
    lua_pop(L, 1);
    lua_setglobal(L, "os");

    // math.random seeded per run; --seed makes it reproducible
    if (o->has_seed) {
        lua_getfield(L, 4, "randomseed");
        lua_pushinteger(L, (lua_Integer)o->seed);
        lua_call(L, 1, 0);
    }

    run_self_check(L);
    return 0;
}

int tfs_open_sandbox(lua_State *L, const tfs_sandbox_options *options) {
    if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
    lua_pushcfunction(L, open_sandbox_protected);
    lua_pushlightuserdata(L, (void *)options);
    return lua_pcall(L, 1, 0, 0);
}
