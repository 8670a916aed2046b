// The sandbox's coroutine.resume, coroutine.wrap and coroutine.close (DESIGN.md §4).
//
// They differ from stock Lua only where a limit is involved:
// - once a limit has tripped, none of them runs anything (it is raised instead), so no other
//   coroutine and no `<close>` handler runs script code after a limit;
// - a coroutine stopped from inside the count hook is never resumed or closed again: Lua
//   leaves such a thread's hooks off (luaD_hook's `allowhook` is restored only by protected
//   calls of the same thread), so its `<close>` handlers would run unbounded;
// - closes nest at most TFS_MAX_CLOSE_DEPTH deep: Lua 5.4.4's lua_resetthread does not count
//   C calls, so a close inside a `<close>` handler inside a close... recursed in C until the
//   process crashed (fixed upstream in 5.4.6 by lua_closethread);
// - a coroutine that died of the concat guard's refusal (raised inside the hook, so Lua left
//   its hooks off) is not run again either: closing it returns its error without running its
//   `<close>` handlers, which would run with neither the limits nor the guard;
// - they keep track of the running thread, so a tripped limit arms the hook where code runs
//   (and, once the concat guard is armed, every thread they switch to carries it).
// Everything else (messages, statuses, values) is as stock Lua's.
#include "internal.h"

static const char killed_key = 0; // weak-keyed set of threads stopped from inside the hook

void tfs_mark_killed(lua_State *L) {
    // The set exists (weak-keyed, made by tfs_install_coroutine) whenever a sandbox runs.
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &killed_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushthread(L);
    tfs_set_add(L, &killed_key, -1);
    lua_pop(L, 1);
}

/// Whether the thread at `idx` of L's stack was stopped from inside the hook.
static int is_killed_at(lua_State *L, int idx) { return tfs_set_contains(L, &killed_key, idx); }

static lua_State *getco(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "thread"); // stock Lua's wording
    return co;
}

/// Resumes `co` with `narg` values from L's top. Returns the number of results moved to L, or
/// -1 with the error object on L's top (as stock Lua's auxresume).
static int auxresume(lua_State *L, lua_State *co, int narg) {
    tfs_sandbox *s = tfs_sb(L);
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, narg);
    int nres = 0;
    lua_State *previous = tfs_switch_running(s, co);
    tfs_take_request(s); // a stop requested before the switch would have armed `previous`
    if (s->tripped) {
        tfs_switch_running(s, previous);
        lua_pop(co, narg);
        tfs_raise_limit(L);
    }
    int status = lua_resume(co, L, narg, &nres);
    tfs_switch_running(s, previous);
    s->relaxed = 0; // Lua code ran: nothing the host relaxed can still be in force
    if (status != LUA_OK && status != LUA_YIELD) tfs_note_status(L, status);
    tfs_guard(L);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    return -1;
}

static int sb_resume(lua_State *L) {
    lua_State *co = getco(L);
    tfs_guard(L);
    int r = auxresume(L, co, lua_gettop(L) - 1);
    if (r < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1;
}

/// Runs the pending `<close>` handlers of the dead or suspended `co` (at index `idx` of L).
static int close_thread(lua_State *L, lua_State *co, int idx) {
    tfs_sandbox *s = tfs_sb(L);
    if (is_killed_at(L, idx)) {
        lua_pushliteral(co, "coroutine was stopped by a limit; its <close> handlers do not run");
        return LUA_ERRRUN;
    }
    if (tfs_died_in_concat_guard(co)) {
        s->relaxed++;
        tfs_push_concat_refusal(co);
        s->relaxed--;
        return LUA_ERRRUN;
    }
    if (s->close_depth >= TFS_MAX_CLOSE_DEPTH)
        luaL_error(L, "coroutine.close nested too deeply (more than %d levels of closes inside <close> handlers)",
                   TFS_MAX_CLOSE_DEPTH);
    s->close_depth++;
    lua_State *previous = tfs_switch_running(s, co);
    tfs_take_request(s);
    if (s->tripped) {
        tfs_switch_running(s, previous);
        s->close_depth--;
        tfs_raise_limit(L);
    }
    int status = lua_resetthread(co);
    tfs_switch_running(s, previous);
    s->close_depth--;
    s->relaxed = 0;
    if (status != LUA_OK) tfs_note_status(L, status);
    tfs_guard(L);
    return status;
}

static int auxwrap(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    tfs_guard(L);
    int r = auxresume(L, co, lua_gettop(L));
    if (r >= 0) return r;
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) { // the coroutine failed: close it, as stock Lua
        lua_pushvalue(L, lua_upvalueindex(1));
        status = close_thread(L, co, -1);
        lua_pop(L, 1);
        lua_xmove(co, L, 1);
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

static int sb_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, auxwrap, 1);
    return 1;
}

static const char *status_name(lua_State *L, lua_State *co) {
    if (L == co) return "running";
    switch (lua_status(co)) {
    case LUA_YIELD: return "suspended";
    case LUA_OK: {
        lua_Debug ar;
        if (lua_getstack(co, 0, &ar)) return "normal";
        return lua_gettop(co) == 0 ? "dead" : "suspended";
    }
    default: return "dead";
    }
}

static int sb_close(lua_State *L) {
    lua_State *co = getco(L);
    const char *status = status_name(L, co);
    if (status[0] != 'd' && status[0] != 's') // neither dead nor suspended
        return luaL_error(L, "cannot close a %s coroutine", status);
    tfs_guard(L);
    int result = close_thread(L, co, 1);
    if (result == LUA_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_xmove(co, L, 1);
    return 2;
}

void tfs_install_coroutine(lua_State *L, int index) {
    index = lua_absindex(L, index);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &killed_key);
    lua_pushcfunction(L, sb_resume);
    lua_setfield(L, index, "resume");
    lua_pushcfunction(L, sb_wrap);
    lua_setfield(L, index, "wrap");
    lua_pushcfunction(L, sb_close);
    lua_setfield(L, index, "close");
}
