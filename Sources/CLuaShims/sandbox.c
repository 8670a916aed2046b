// The sandboxed standard library (DESIGN.md §4): allow-listed libraries, stripped and wrapped.
// Never luaL_openlibs: with `package` reachable, package.loadlib loads any C function.
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char readonly_set_key = 0;   // weak-keyed set of read-only proxies
static const char require_loaded_key = 0; // require's own cache
static const char require_dirs_key = 0;   // array of folders require searches

// ---- print with an output cap ----
static void write_output(tfs_sandbox *s, const char *p, size_t n) {
    if (s->output_truncated) return;
    if (s->max_output && s->output_written + n > s->max_output) {
        size_t room = s->max_output - s->output_written;
        fwrite(p, 1, room, stdout);
        s->output_written += room;
        s->output_truncated = 1;
        fflush(stdout);
        fprintf(stderr, "%s\n", s->truncation_message);
        fflush(stderr);
        return;
    }
    fwrite(p, 1, n, stdout);
    s->output_written += n;
}

static int sb_print(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *text = luaL_tolstring(L, i, &len);
        if (i > 1) write_output(s, "\t", 1);
        write_output(s, text, len);
        lua_pop(L, 1);
    }
    write_output(s, "\n", 1);
    return 0;
}

// ---- pcall / xpcall that cannot swallow limits (Redis luaMaskCountHook) ----
static int finish_pcall(lua_State *L, int status, lua_KContext extra) {
    if (status != LUA_OK && status != LUA_YIELD) {
        if (tfs_sb(L)->tripped) return tfs_raise_limit(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int sb_pcall(lua_State *L) {
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

static int sb_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

/// coroutine.resume catches errors too; a limit must still end the run.
static int sb_resume(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    if (tfs_sb(L)->tripped) return tfs_raise_limit(L);
    return lua_gettop(L);
}

// ---- load: text chunks only ----
static int sb_load(lua_State *L) {
    int n = lua_gettop(L);
    if (n < 1) return luaL_error(L, "bad argument #1 to 'load' (value expected)");
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t len;
        const char *chunk = lua_tolstring(L, 1, &len);
        if (len > 0 && chunk[0] == LUA_SIGNATURE[0]) {
            luaL_pushfail(L);
            lua_pushliteral(L, "load: binary chunks are not allowed in the tfscript sandbox (text only)");
            return 2;
        }
    }
    if (n < 3) lua_settop(L, 3); // keep "no env given" (none) distinct from env = nil
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

// ---- collectgarbage: count, step, collect ----
static int sb_collectgarbage(lua_State *L) {
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") != 0 && strcmp(opt, "step") != 0 && strcmp(opt, "collect") != 0)
        return luaL_error(L, "collectgarbage: option '%s' is not allowed in the tfscript sandbox (use \"count\", \"step\" or \"collect\")", opt);
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

// ---- setmetatable without __gc (finalizers run with hooks off) ----
static int sb_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int t = lua_rawget(L, 2);
        lua_pop(L, 1);
        if (t != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the tfscript sandbox");
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int is_readonly(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_set_key);
    lua_pushvalue(L, idx);
    int found = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return found;
}

static int sb_rawset(lua_State *L) {
    if (lua_type(L, 1) == LUA_TTABLE && is_readonly(L, 1))
        return luaL_error(L, "rawset: table is read-only");
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
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

// ---- require: Lua source from the script's folder and --lib-path only ----
static int valid_module_name(const char *name, size_t len) {
    if (len == 0 || len > 200 || name[0] == '.' || name[len - 1] == '.') return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok) return 0;
        if (c == '.' && name[i + 1] == '.') return 0;
    }
    return 1;
}

static int sb_require(lua_State *L) {
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    if (!valid_module_name(name, len))
        return luaL_error(L, "require: invalid module name '%s' (use letters, digits, '_', '-' and '.' between parts; no paths)", name);
    lua_settop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &require_loaded_key); // 2
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    luaL_gsub(L, name, ".", "/"); // 3: relative path
    const char *relative = lua_tostring(L, 3);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &require_dirs_key); // 4
    int dirs = (int)lua_rawlen(L, 4);
    for (int i = 1; i <= dirs; i++) {
        lua_rawgeti(L, 4, i);
        const char *path = lua_pushfstring(L, "%s/%s.lua", lua_tostring(L, -1), relative);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            if (luaL_loadfilex(L, path, "t") != LUA_OK)
                return luaL_error(L, "require '%s': %s", name, lua_tostring(L, -1));
            lua_pushvalue(L, 1);
            lua_pushvalue(L, -3); // path
            lua_call(L, 2, 1);
            if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
            lua_pushvalue(L, 1);
            lua_pushvalue(L, -2);
            lua_rawset(L, 2);
            return 1;
        }
        lua_pop(L, 2);
    }
    return luaL_error(L, "module '%s' not found in the script's folder or --lib-path folders", name);
}

// ---- read-only proxies ----
static int proxy_newindex(lua_State *L) {
    return luaL_error(L, "attempt to modify read-only table '%s'", lua_tostring(L, lua_upvalueindex(1)));
}

static int proxy_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int proxy_pairs_real(lua_State *L) {
    lua_pushcfunction(L, proxy_next);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    return 3;
}

static int proxy_len(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

/// Builds the proxy for the table at `idx` (protected: called through lua_pcall).
static void make_proxy(lua_State *L, int idx, const char *name, int deep, int depth) {
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 8, "read-only tables nested too deeply");
    if (depth > 50) luaL_error(L, "read-only tables nested too deeply");
    if (deep) {
        // Proxy nested plain tables first (in place in the real table).
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            int plain = lua_type(L, -1) == LUA_TTABLE && lua_type(L, -2) == LUA_TSTRING;
            if (plain && lua_getmetatable(L, -1)) { lua_pop(L, 1); plain = 0; }
            if (plain) {
                const char *sub = lua_pushfstring(L, "%s.%s", name, lua_tostring(L, -2));
                make_proxy(L, -2, sub, deep, depth + 1); // pushes proxy
                lua_remove(L, -2);                         // the name
                lua_pushvalue(L, -3);                      // key
                lua_insert(L, -2);
                lua_rawset(L, idx);                        // replace value: allowed during next
            }
            lua_pop(L, 1);
        }
    }
    lua_newtable(L);                   // proxy
    lua_createtable(L, 0, 5);          // its metatable
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, proxy_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, proxy_pairs_real, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, proxy_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_set_key);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static int ensure_readonly_set(lua_State *L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_set_key) == LUA_TTABLE) { lua_pop(L, 1); return 0; }
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &readonly_set_key);
    return 0;
}

static int push_readonly_protected(lua_State *L) {
    // 1: table, 2: name, 3: deep
    ensure_readonly_set(L);
    make_proxy(L, 1, lua_tostring(L, 2), lua_toboolean(L, 3), 0);
    return 1;
}

int tfs_push_readonly(lua_State *L, int idx, const char *name, int deep) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 5)) return LUA_ERRMEM;
    lua_pushcfunction(L, push_readonly_protected);
    lua_pushvalue(L, idx);
    lua_pushstring(L, name);
    lua_pushboolean(L, deep);
    return lua_pcall(L, 3, 1, 0);
}

// ---- assembling the sandbox ----

/// Wraps global/field `name` of the table on top with `fn`, the original as upvalue 1.
static void wrap_field(lua_State *L, const char *name, lua_CFunction fn) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

static void set_readonly_global(lua_State *L, const char *name) {
    lua_getglobal(L, name);
    make_proxy(L, -1, name, 0, 0);
    lua_setglobal(L, name);
    lua_pop(L, 1);
}

static const char *const self_check =
    "local forbidden = {'package', 'io', 'debug', 'dofile', 'loadfile', 'require_c'}\n"
    "for _, name in ipairs(forbidden) do\n"
    "  if rawget(_G, name) ~= nil then error('global ' .. name .. ' is reachable') end\n"
    "end\n"
    "if string.dump ~= nil then error('string.dump is reachable') end\n"
    "if os.execute ~= nil or os.exit ~= nil or os.remove ~= nil then error('os is not reduced') end\n"
    "local f = load('\\27Lua' .. string.rep('x', 32))\n"
    "if f ~= nil then error('binary load is reachable') end\n"
    "if pcall(function() string.x = 1 end) then error('string is writable') end\n"
    "if getmetatable('') ~= false then error('string metatable is reachable') end\n";

static int open_sandbox_protected(lua_State *L) {
    const tfs_sandbox_options *o = lua_touserdata(L, 1);
    lua_settop(L, 0);
    ensure_readonly_set(L);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0); // not global: copied below
    // stack: 1 _G, 2 string, 3 table, 4 math, 5 utf8, 6 coroutine, 7 os

    // base
    lua_pushvalue(L, 1);
    lua_pushnil(L); lua_setfield(L, -2, "dofile");
    lua_pushnil(L); lua_setfield(L, -2, "loadfile");
    lua_pushcfunction(L, sb_print); lua_setfield(L, -2, "print");
    lua_pushcfunction(L, sb_pcall); lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, sb_xpcall); lua_setfield(L, -2, "xpcall");
    wrap_field(L, "load", sb_load);
    wrap_field(L, "collectgarbage", sb_collectgarbage);
    wrap_field(L, "setmetatable", sb_setmetatable);
    wrap_field(L, "rawset", sb_rawset);
    lua_pop(L, 1);

    // require, with its own cache and search folders
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &require_loaded_key);
    lua_createtable(L, o->search_dir_count, 0);
    for (int i = 0; i < o->search_dir_count; i++) {
        lua_pushstring(L, o->search_dirs[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &require_dirs_key);
    lua_pushcfunction(L, sb_require);
    lua_setglobal(L, "require");

    // string: no dump; metatable hidden
    lua_pushnil(L); lua_setfield(L, 2, "dump");
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    // coroutine.resume that re-raises limits
    lua_pushvalue(L, 6);
    wrap_field(L, "resume", sb_resume);
    lua_pop(L, 1);

    // os reduced to time, clock, date, difftime and a filtered getenv
    lua_createtable(L, 0, 5);
    const char *keep[] = {"time", "clock", "date", "difftime"};
    for (int i = 0; i < 4; i++) {
        lua_getfield(L, 7, keep[i]);
        lua_setfield(L, -2, keep[i]);
    }
    lua_createtable(L, 0, o->env_name_count);
    for (int i = 0; i < o->env_name_count; i++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, o->env_names[i]);
    }
    lua_pushcclosure(L, sb_getenv, 1);
    lua_setfield(L, -2, "getenv");
    lua_setglobal(L, "os");

    // math.random seeded per run; --seed makes it reproducible
    if (o->has_seed) {
        lua_getfield(L, 4, "randomseed");
        lua_pushinteger(L, (lua_Integer)o->seed);
        lua_call(L, 1, 0);
    }

    // library tables read-only to scripts
    set_readonly_global(L, "string");
    set_readonly_global(L, "table");
    set_readonly_global(L, "math");
    set_readonly_global(L, "utf8");
    set_readonly_global(L, "coroutine");
    set_readonly_global(L, "os");

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
