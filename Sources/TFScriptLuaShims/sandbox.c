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

static const char *const self_check =
    "local forbidden = {'package', 'io', 'debug', 'dofile', 'loadfile'}\n"
    "for _, name in ipairs(forbidden) do\n"
    "  if rawget(_G, name) ~= nil then error('global ' .. name .. ' is reachable') end\n"
    "end\n"
    "if string.dump ~= nil then error('string.dump is reachable') end\n"
    "if os.execute ~= nil or os.exit ~= nil or os.remove ~= nil then error('os is not reduced') end\n"
    "local f = load('\\27Lua' .. string.rep('x', 32))\n"
    "if f ~= nil then error('binary load is reachable') end\n"
    "local chunks = {'\\27Lua' .. string.rep('x', 32)}\n"
    "if load(function() return table.remove(chunks) end) ~= nil then error('binary load is reachable') end\n"
    "if getmetatable('') ~= false then error('string metatable is reachable') end\n"
    "if pcall(setmetatable, {}, {__gc = true}) then error('finalizers are allowed') end\n"
    "for _, name in ipairs({'stop', 'generational', 'incremental', 'setpause'}) do\n"
    "  if pcall(collectgarbage, name) then error('collectgarbage ' .. name .. ' is allowed') end\n"
    "end\n"
    "local loaded = require('os')\n"
    "if loaded ~= os or loaded.execute ~= nil then error('the loaded os library is not the reduced one') end\n";

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

    // self-check before any user code
    if (luaL_loadbufferx(L, self_check, strlen(self_check), "=sandbox self-check", "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 0);
    return 0;
}

int tfs_open_sandbox(lua_State *L, const tfs_sandbox_options *options) {
    if (!lua_checkstack(L, 4)) return LUA_ERRMEM;
    lua_pushcfunction(L, open_sandbox_protected);
    lua_pushlightuserdata(L, (void *)options);
    return lua_pcall(L, 1, 0, 0);
}
