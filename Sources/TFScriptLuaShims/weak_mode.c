// Weak tables are strong in the sandbox: the collector never sees a `__mode`.
//
// Why: Lua 5.4.4's collector converges ephemerons (weak-keyed tables, lgc.c convergeephemerons)
// in its atomic phase, one C call no hook can interrupt, and it is quadratic: each pass over all
// ephemeron tables may mark a single entry, so a chain of keys spread in shuffled order over one
// table or many needs about as many passes as entries (200,000 entries: 5 s in stock lua5.4,
// 443 s spread over one table per entry, in one collection).
// A script controls every part of it: the mode is read from the metatable at each traversal, so
// it can be set after setmetatable, by assignment or rawset, on any number of tables; checking
// setmetatable cannot bound it. The root is the collector reading `__mode` at all.
//
// How: the collector looks the mode up (lgc.c traversetable, gfasttm) under the event name it
// keeps in the global state, G(L)->tmname[TM_MODE], the interned string "__mode". The state is
// made to look it up under a long string instead: a long string is never equal to a table key
// that a lookup by short string can find (ltable.c luaH_getshortstr compares short-string keys
// by identity), so no metatable ever has a mode, whatever a script writes. Nothing else reads
// that name (`__mode` is not an event the VM calls). Lua has no API for this, so the array is
// found by content: the 25 event-name strings the state interned, in ltm.c's order, a sequence
// nothing else in the global state can match; if the layout is not the expected one the
// sandbox refuses to open (fail closed) instead of running scripts with ephemerons.
#include "internal.h"
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// The heads of Lua 5.4's lstate.h lua_State and lobject.h TString (CommonHeader first).
typedef struct state_head {
    void *next;
    unsigned char tt, marked, status, allowhook;
    unsigned short nci;
    void *top;
    void *l_G;
} state_head;

typedef struct tstring_head {
    void *next;
    unsigned char tt, marked, extra, shrlen;
    unsigned int hash;
    union { size_t lnglen; void *hnext; } u;
    char contents[1];
} tstring_head;

#define VTHREAD 8  // makevariant(LUA_TTHREAD, 0)
#define VSHRSTR 4  // makevariant(LUA_TSTRING, 0)
#define TM_MODE 3
#define SEARCH_BYTES 1024 // global_State is about 1.4 KiB in 5.4; tmname starts near 280

static const char *const event_names[] = {
    "__index", "__newindex", "__gc", "__mode", "__len", "__eq", "__add", "__sub", "__mul", "__mod",
    "__pow", "__div", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr", "__unm", "__bnot",
    "__lt", "__le", "__concat", "__call", "__close",
};
#define EVENTS ((int)(sizeof event_names / sizeof event_names[0]))

static const char anchor_key = 0; // registry: the replacement name, kept alive
static atomic_long proven_offset = -1; // where a state proved the patch (offset in its global_State)

/// The TString of the short string on top of the stack (Lua interns it: the same object the
/// state's event-name array holds), or NULL if it does not look like one.
static void *short_string_object(lua_State *L, const char *name) {
    lua_pushstring(L, name);
    const char *text = lua_tostring(L, -1);
    lua_pop(L, 1); // the string is fixed (luaT_init): it outlives the stack slot
    tstring_head *ts = (tstring_head *)(void *)(text - offsetof(tstring_head, contents));
    if (ts->tt != VSHRSTR || ts->shrlen != strlen(name)) return NULL;
    return ts;
}

void tfs_disable_weak_mode(lua_State *L) {
    void *names[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
        names[i] = short_string_object(L, event_names[i]);
        if (!names[i]) luaL_error(L, "sandbox: this Lua build's strings are not laid out as Lua 5.4's");
    }
    const state_head *head = (const state_head *)(const void *)L;
    if (head->tt != VTHREAD || !head->l_G)
        luaL_error(L, "sandbox: this Lua build's states are not laid out as Lua 5.4's");
    void **found = NULL;
    char *g = head->l_G;
    // Where the names are in a global_State is the same in every state of this build: once a
    // state has proven the patch at an offset (below), later states use that offset when it
    // holds the same names, without the proof's full collection (issue 21).
    long proven = atomic_load(&proven_offset);
    if (proven >= 0 && memcmp(g + proven, names, sizeof names) == 0) found = (void **)(void *)(g + proven);
    for (size_t at = 0; !found && at + sizeof names <= SEARCH_BYTES; at += sizeof(void *)) {
        if (memcmp(g + at, names, sizeof names) == 0) { found = (void **)(void *)(g + at); break; }
    }
    if (!found) luaL_error(L, "sandbox: cannot find Lua's metamethod names; weak tables cannot be made strong in this Lua build");
    // A long string (over LUAI_MAXSHORTLEN, 40 bytes): never identical to a short-string key.
    lua_pushliteral(L, "__mode is not read by the tfscript sandbox: weak tables are strong there");
    const char *text = lua_tostring(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &anchor_key);
    found[TM_MODE] = (void *)(text - offsetof(tstring_head, contents));
    long offset = (long)((char *)(void *)found - g);
    if (offset == proven) return;

    // Proof, before any script runs: an entry of a weak-keyed table whose key nothing else
    // holds survives a full collection. (Raw API: the sandbox's setmetatable arms the concat
    // guard.)
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_newtable(L);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_gc(L, LUA_GCCOLLECT, 0);
    lua_pushnil(L);
    int kept = lua_next(L, -2);
    lua_pop(L, kept ? 3 : 1);
    if (!kept) luaL_error(L, "sandbox: weak tables are still in effect (their collection can be quadratic)");
    atomic_store(&proven_offset, offset);
}
