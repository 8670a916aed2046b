// The host-call trampoline and the protected helpers Swift uses to call into Lua.
// Only C raises here (lua_error), after every Swift frame of the host call has returned.
#include "internal.h"
#include <string.h>

/// Pushes "chunk:line" of the function `level` levels up ("" when not Lua code).
void tfs_push_where(lua_State *L, int level) {
    lua_Debug ar;
    if (lua_getstack(L, level, &ar)) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

/// Adds the caller's position to the error on top: a prefix for strings, a `where` field for
/// tables that lack one (their __tostring decides how to show it).
static void annotate_where(lua_State *L) {
    int err = lua_gettop(L);
    if (lua_type(L, err) == LUA_TSTRING) {
        tfs_push_where(L, 1);
        if (lua_rawlen(L, -1) > 0) {
            lua_pushliteral(L, ": ");
            lua_pushvalue(L, err);
            lua_concat(L, 3);
            lua_replace(L, err);
        } else {
            lua_pop(L, 1);
        }
    } else if (lua_type(L, err) == LUA_TTABLE) {
        lua_pushliteral(L, "where");
        if (lua_rawget(L, err) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_pushliteral(L, "where");
            tfs_push_where(L, 1);
            if (lua_rawlen(L, -1) > 0) lua_rawset(L, err); else lua_pop(L, 2);
        } else {
            lua_pop(L, 1);
        }
    }
}

static int run_host_call(lua_State *L, void *context, int resumed);

/// Continuation of a host call that suspended: re-runs the host function on the same
/// arguments (it answers from what it kept; see LuaHostSuspension in Swift).
static int tfs_host_continue(lua_State *L, int status, lua_KContext ctx) {
    (void)status; // LUA_YIELD: we only get here by being resumed
    return run_host_call(L, (void *)ctx, 1);
}

/// Calls the Swift dispatcher and acts on its status. Only C raises (lua_error) or yields
/// (lua_yieldk), after every Swift frame has returned (DESIGN.md §2).
static int run_host_call(lua_State *L, void *context, int resumed) {
    tfs_sandbox *s = tfs_sb(L);
    tfs_guard(L); // after a limit no host function runs either (e.g. as a <close> handler)
    s->relaxed++;
    s->host_call_resumed = resumed;
    int status = s->dispatch(L, context, s->host);
    s->host_call_resumed = 0;
    if (status == TFS_HOST_ERROR_WHERE) annotate_where(L); // still relaxed: may allocate
    if (tfs_relax_end(L) || s->tripped) return tfs_raise_limit(L);
    if (status == TFS_HOST_YIELD) {
        // Swift left exactly one value on top (what the resumer sees) and checked that the
        // coroutine can yield; lua_yieldk raises a clean Lua error if it cannot after all.
        return lua_yieldk(L, 1, (lua_KContext)context, tfs_host_continue);
    }
    if (status < 0) return lua_error(L);
    return status;
}

static int tfs_trampoline(lua_State *L) {
    return run_host_call(L, lua_touserdata(L, lua_upvalueindex(1)), 0);
}

int tfs_host_call_resumed(lua_State *L) { return tfs_sb(L)->host_call_resumed; }

void tfs_push_host_function(lua_State *L, void *context) {
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, tfs_trampoline, 1);
}

void tfs_set_host_functions(lua_State *L, const char *const *names, const size_t *lengths, void *const *contexts, int count) {
    for (int i = 0; i < count; i++) {
        lua_pushlstring(L, names[i], lengths[i]);
        tfs_push_host_function(L, contexts[i]);
        lua_rawset(L, -3);
    }
}

// ---- error text ----

/// Text of an error object; may raise (a throwing __tostring), so it runs under lua_pcall.
static int describe_unprotected(lua_State *L) {
    int t = lua_type(L, 1);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        luaL_tolstring(L, 1, NULL);
        return 1;
    }
    if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
        lua_pop(L, 1);
        luaL_tolstring(L, 1, NULL);
        return 1;
    }
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "message");
        if (lua_rawget(L, 1) == LUA_TSTRING) return 1;
        lua_pop(L, 1);
    }
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

void tfs_push_describe(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 3)) return; // cannot happen after lua_checkstack by the caller
    lua_pushcfunction(L, describe_unprotected);
    lua_pushvalue(L, idx);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        lua_pushfstring(L, "(error object is a %s value whose __tostring failed)", luaL_typename(L, idx));
    }
}

static const char errtext_key = 0;
static const char traceback_key = 0;

/// Message handler: records the error's text and a traceback, returns the error value unchanged
/// so the host can still inspect tables (status, kind, ...).
static int tfs_msgh(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    lua_settop(L, 1);
    // After a limit no script code runs, so the error's own __tostring is not called; the
    // limit raised from the hook also means this handler may run with the thread's hooks off.
    if (s->tripped) lua_pushstring(L, lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : "limit exceeded");
    else tfs_push_describe(L, 1); // runs script code (__tostring): under the budget and the hook
    // Recording the text must not fail the budget. Scoped here, not in the caller: Lua also
    // runs this handler for errors that a nested protected call (load's parser) catches, so
    // the caller's restore may never run.
    s->relaxed++;
    lua_rawsetp(L, LUA_REGISTRYINDEX, &errtext_key);
    luaL_traceback(L, L, NULL, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traceback_key);
    s->relaxed--;
    return 1;
}

int tfs_pcall_traceback(lua_State *L, int nargs, int nresults) {
    tfs_sandbox *s = tfs_sb(L);
    int base = lua_gettop(L) - nargs;
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &errtext_key);
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &traceback_key);
    lua_pushcfunction(L, tfs_msgh);
    lua_insert(L, base);
    int saved = s->relaxed;
    s->relaxed = 0; // Lua code called by the host runs under the budget
    int status = lua_pcall(L, nargs, nresults, base);
    s->relaxed = saved;
    if (status != LUA_OK) tfs_note_status(L, status);
    lua_remove(L, base);
    return status;
}

void tfs_push_last_error_text(lua_State *L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &errtext_key) != LUA_TSTRING) {
        lua_pop(L, 1);
        tfs_push_describe(L, -1); // the error value itself (e.g. "not enough memory")
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &traceback_key) != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushliteral(L, "");
    }
}

int tfs_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname) {
    tfs_sandbox *s = tfs_sb(L);
    int saved = s->relaxed;
    s->relaxed = 0;
    int status = tfs_load_checked(L, buffer, size, chunkname, "t");
    s->relaxed = saved;
    return status;
}

// ---- tests ----
static int dump_writer(lua_State *L, const void *p, size_t size, void *ud) {
    (void)L;
    luaL_addlstring((luaL_Buffer *)ud, p, size);
    return 0;
}

void tfs_push_binary_chunk(lua_State *L, const char *source) {
    lua_State *plain = luaL_newstate();
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (plain && luaL_loadstring(plain, source) == LUA_OK) lua_dump(plain, dump_writer, &b, 0);
    luaL_pushresult(&b);
    if (plain) lua_close(plain);
}
