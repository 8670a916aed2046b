// The concat guard (issue 9, item 12): no `__concat` metamethod ever runs in the sandbox.
//
// Debian's liblua5.4 (5.4.4-3+deb12u1) carries lua/lua 42d40581 (CVE-2022-33099) but not its
// follow-up 603b2c64: luaV_concat keeps a pointer to the top of the stack across the call of a
// `__concat` metamethod and stores it back afterwards. In 5.4.4 any move of the stack meanwhile
// (a deep call, lua_checkstack in a C function used as the metamethod, a collection that
// shrinks the stack) frees the old block, so once the metamethod returns the VM reads and
// writes freed memory. We cannot patch or vendor Lua, so the sandbox refuses the call before
// the metamethod runs: an error raised there unwinds out of luaV_concat before the stale
// pointer is ever used (a stack move before the refusal is harmless).
//
// How a call is recognised: the hook runs at every call (LUA_MASKCALL) and asks Lua how the
// function was called (lua_getinfo "n"). A call made by OP_CONCAT is named "concat" with
// namewhat "metamethod", whatever is called: a Lua function, a C function (`table.unpack`,
// `pcall`, a `coroutine.wrap` function, a host function), the `__call` of a table. Host C code
// never calls lua_concat on script values (only on strings it made), so OP_CONCAT is the only
// way to a `__concat` metamethod. Naming a call made by OP_CALL scans the calling function's
// code up to the call (getobjname), which made calls from a long function hundreds of times
// slower; so the hook first looks at the arguments. Lua calls the metamethod with the two
// operands as its last arguments (a `__call` chain only inserts callables before them), and
// it found the metamethod, raw, in one operand's metatable just before the call, with no code
// run since (a collection cannot clear the field: the metamethod is on the stack). A call
// none of whose arguments has a metatable with `__concat` is therefore no concatenation, and
// only the rare others are named.
//
// When: a call hook costs every call, so the guard is armed only once a script can own a
// metatable: at its first setmetatable with a table. There is no other way in: no `debug`,
// the string metatable and the host's metatables are locked, and host metatables never have
// `__concat` (registerMetatable refuses it). From then on every thread that runs Lua code
// carries the call hook (limits.c): the running thread at once, each thread the sandbox's
// coroutine functions switch to, new threads (lua_newthread copies its creator's hook), and
// a thread whose stop hook disarms itself returns to the guard's hook, not to none.
//
// Lua leaves a thread's hooks off (luaD_hook's `allowhook`) after an error raised inside a
// hook, until a protected call of that same thread catches it. Two consequences, both handled:
// xpcall's message handler, which Lua calls where the error was raised, is not called for it
// (sandbox_base.c), and a coroutine that died of it never runs its `<close>` handlers
// (sandbox_coroutine.c): they would run with no hook, so with neither the limits nor the guard.
#include "internal.h"
#include <string.h>

static const char refusal[] =
    "__concat metamethods are not supported in the tfscript sandbox (its Lua 5.4.4 has a "
    "memory-safety bug in them); convert first, e.g. tostring(value) .. text";

/// Whether `ar` (filled with "n") describes a call made by OP_CONCAT.
static int is_concat_call(const lua_Debug *ar) {
    return ar->namewhat && strcmp(ar->namewhat, "metamethod") == 0 && ar->name && strcmp(ar->name, "concat") == 0;
}

/// Whether the value at `idx` has a metatable with a `__concat` field, looked up raw as Lua
/// does. Only tables and full userdata have metatables of their own; strings share the locked
/// string metatable, which has no `__concat`, and no other type has one (no `debug`).
static int has_concat_metamethod(lua_State *L, int idx) {
    int type = lua_type(L, idx);
    if (type != LUA_TTABLE && type != LUA_TUSERDATA) return 0;
    if (luaL_getmetafield(L, idx, "__concat") == LUA_TNIL) return 0;
    lua_pop(L, 1);
    return 1;
}

/// Whether the call the hook reports (`ar`) may have been made by OP_CONCAT: one of the called
/// function's arguments has a `__concat` metamethod. In the hook the stack holds the callee's
/// frame: a C function's arguments, a Lua function's registers, which begin with its arguments
/// (extra ones included) unless it is a vararg function, whose extra arguments Lua moved below
/// the frame (lua_getlocal's negative indices). Scanning more slots than there are arguments
/// only risks naming a call for nothing.
static int may_be_concat_call(lua_State *L, lua_Debug *ar) {
    for (int i = 1, top = lua_gettop(L); i <= top; i++)
        if (has_concat_metamethod(L, i)) return 1;
    for (int n = -1; lua_getlocal(L, ar, n) != NULL; n--) {
        int found = has_concat_metamethod(L, -1);
        lua_pop(L, 1);
        if (found) return 1;
    }
    return 0;
}

/// Pushes the refusal on T's stack, prefixed with the position of the concatenation, the
/// function `level` levels up T's stack (as luaL_where does).
static void push_refusal(lua_State *T, int level) {
    lua_Debug ar;
    if (lua_getstack(T, level, &ar) && lua_getinfo(T, "Sl", &ar) && ar.currentline > 0)
        lua_pushfstring(T, "%s:%d: %s", ar.short_src, ar.currentline, refusal);
    else
        lua_pushstring(T, refusal);
}

void tfs_concat_guard_arm(lua_State *L) {
    tfs_sandbox *s = tfs_sb(L);
    if (s->concat_guard) return;
    s->concat_guard = 1;
    // L is the running thread. Armed to deliver a stop, it keeps that hook (a superset); the
    // hook rests on the guard when it disarms.
    if (!(lua_gethookmask(L) & LUA_MASKCOUNT)) tfs_rest_running(s, L);
}

void tfs_concat_guard_check(lua_State *L, lua_Debug *ar) {
    if (!may_be_concat_call(L, ar) || !lua_getinfo(L, "n", ar) || !is_concat_call(ar)) return;
    tfs_sandbox *s = tfs_sb(L);
    s->relaxed++; // the message must not fail the budget (as a limit's)
    push_refusal(L, 1); // level 0 is the metamethod, level 1 the concatenation
    s->relaxed--;
    lua_error(L);
}

int tfs_called_in_hook(lua_State *L) {
    lua_Debug ar;
    return lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.namewhat && strcmp(ar.namewhat, "hook") == 0;
}

int tfs_died_in_concat_guard(lua_State *co) {
    int status = lua_status(co);
    if (status == LUA_OK || status == LUA_YIELD) return 0;
    // A dead coroutine keeps the frames it died in. Its top frame was called by OP_CONCAT only
    // if the guard refused that call from inside the hook (a concat metamethod never runs).
    lua_Debug ar;
    return lua_getstack(co, 0, &ar) && lua_getinfo(co, "n", &ar) && is_concat_call(&ar);
}

void tfs_push_concat_refusal(lua_State *co) { push_refusal(co, 1); }
