// Bounded string.find / match / gmatch / gsub / rep, and the install entry point.
// Argument handling and messages follow the Lua 5.4 manual and stock 5.4.4 behaviour;
// the loops are metered (see bounded.h).
#define _GNU_SOURCE  // memmem
#include "bounded.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#define UCH(c) ((unsigned char)(c))

// Largest string string.rep builds (stock 5.4.4 caps results at INT_MAX bytes).
#define TFS_MAXSTRING ((size_t)INT_MAX)

// Turns a 1-based, possibly negative start position into a 1-based index in [1, len+1] or
// beyond len+1 (meaning "past the end"), as string.find/match/gmatch define `init`.
static size_t start_position(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

// Does the pattern use any magic character? If not, find does a plain search.
static int has_magic(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++) {
        switch (p[i]) {
        case '^': case '$': case '*': case '+': case '?':
        case '.': case '(': case '[': case '%': case '-':
            return 1;
        default: break;
        }
    }
    return 0;
}

// Plain substring search. Short needles: memchr for the first byte, then memcmp (fast when the
// first byte is rare, as in stock Lua), metered per candidate so a subject full of near-misses
// is still interruptible. Long needles: memmem (linear), a window at a time.
static const char *plain_search(lua_State *L, const char *h, size_t hl, const char *n, size_t nl) {
    if (nl == 0) return h;
    if (nl > hl) return NULL;
    if (nl <= 256) {
        const char *last = h + (hl - nl);  // last possible start
        long budget = TFS_BOUNDED_STEPS;
        long cost = 1 + (long)(nl >> 4);
        while (h <= last) {
            const char *c = (const char *)memchr(h, UCH(n[0]), (size_t)(last - h) + 1);
            if (c == NULL) return NULL;
            if (memcmp(c + 1, n + 1, nl - 1) == 0) return c;
            h = c + 1;
            if ((budget -= cost) < 0) tfs_bounded_tick(L, &budget);
        }
        return NULL;
    }
    const size_t window = (size_t)1 << 20;
    if (nl > window) return (const char *)memmem(h, hl, n, nl);
    for (;;) {
        size_t span = (hl <= window + nl) ? hl : window + nl - 1;
        const char *r = (const char *)memmem(h, span, n, nl);
        if (r != NULL || span == hl) return r;
        size_t advance = span - nl + 1;  // starts not yet tried begin here
        h += advance;
        hl -= advance;
        tfs_bounded_check(L);
    }
}

static int find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {  // starts after the end: nothing can match
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_magic(p, lp))) {
        const char *hit = plain_search(L, s + init, ls - init, p, lp);
        if (hit != NULL) {
            lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
            lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
            return 2;
        }
        luaL_pushfail(L);
        return 1;
    }
    int anchored = (*p == '^');  // lp == 0 reads the NUL terminator
    if (anchored) {
        p++;
        lp--;
    }
    tfs_match m;
    tfs_match_init(&m, L, s, ls, p, lp);
    for (const char *at = s + init;; at++) {
        m.level = 0;
        const char *e = tfs_match_at(&m, at, p);
        if (e != NULL) {
            if (!find) return tfs_match_push_captures(&m, at, e);
            lua_pushinteger(L, (lua_Integer)(at - s) + 1);
            lua_pushinteger(L, (lua_Integer)(e - s));
            return tfs_match_push_captures(&m, NULL, NULL) + 2;
        }
        if (anchored || at >= m.src_end) break;
    }
    luaL_pushfail(L);
    return 1;
}

int tfs_bounded_find(lua_State *L) { return find_or_match(L, 1); }
int tfs_bounded_match(lua_State *L) { return find_or_match(L, 0); }

// gmatch keeps its state in a userdata upvalue (per closure, per Lua state); the subject and
// pattern strings are upvalues too, which keeps the pointers into them valid.
typedef struct {
    tfs_match m;
    const char *next;  // where the next search starts
    const char *last;  // end of the last match (an empty match there is skipped)
    const char *pat;
} tfs_gmatch;

static int gmatch_next(lua_State *L) {
    tfs_gmatch *g = (tfs_gmatch *)lua_touserdata(L, lua_upvalueindex(3));
    g->m.L = L;  // the iterator may run in another coroutine
    for (const char *at = g->next; at <= g->m.src_end; at++) {
        g->m.level = 0;
        const char *e = tfs_match_at(&g->m, at, g->pat);
        if (e != NULL && e != g->last) {
            g->next = g->last = e;
            return tfs_match_push_captures(&g->m, at, e);
        }
    }
    return 0;
}

int tfs_bounded_gmatch(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    lua_settop(L, 2);
    tfs_gmatch *g = (tfs_gmatch *)lua_newuserdatauv(L, sizeof(tfs_gmatch), 0);
    if (init > ls) init = ls + 1;  // past the end; no overflow in s + init
    tfs_match_init(&g->m, L, s, ls, p, lp);
    g->next = s + init;
    g->last = NULL;
    g->pat = p;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

// Appends the replacement string (argument 3) with %0-%9 and %% expanded.
static void add_template(tfs_match *m, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = m->L;
    size_t l;
    const char *r = lua_tolstring(L, 3, &l);
    m->budget -= (long)(l >> 4);  // a long template costs per match, even if it adds nothing
    const char *pct;
    while ((pct = (const char *)memchr(r, '%', l)) != NULL) {
        luaL_addlstring(b, r, (size_t)(pct - r));
        pct++;  // the byte after '%' (the NUL terminator if '%' ends the template)
        if (*pct == '%') {
            luaL_addchar(b, '%');
        } else if (*pct == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit(UCH(*pct))) {
            const char *cap;
            ptrdiff_t len = tfs_match_get_capture(m, *pct - '1', s, e, &cap);
            if (len == TFS_CAP_POSITION) luaL_addvalue(b);  // the position was pushed
            else luaL_addlstring(b, cap, (size_t)len);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", '%');
        }
        l -= (size_t)(pct + 1 - r);
        r = pct + 1;
    }
    luaL_addlstring(b, r, l);
}

// Appends the replacement for one match; returns whether the text changed.
static int add_replacement(tfs_match *m, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = m->L;
    if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = tfs_match_push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        tfs_match_push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {  // nil or false: keep the matched text
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

int tfs_bounded_gsub(lua_State *L) {
    size_t ls, lp;
    const char *src = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int kind = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION ||
                         kind == LUA_TTABLE, 3, "string/function/table");
    int anchored = (*p == '^');
    if (anchored) {
        p++;
        lp--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    tfs_match m;
    tfs_match_init(&m, L, src, ls, p, lp);
    const char *last = NULL;
    lua_Integer n = 0;
    int changed = 0;
    while (n < max) {
        m.level = 0;
        const char *e = tfs_match_at(&m, src, p);
        if (e != NULL && e != last) {
            n++;
            changed |= add_replacement(&m, &b, src, e, kind);
            src = last = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchored) break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);  // unchanged: the subject itself
    } else {
        luaL_addlstring(&b, src, (size_t)(m.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

// string.rep: an empty piece and separator give "" at once whatever the count (stock loops n
// times copying nothing). Big results are built by doubling, checking limits between chunks.
int tfs_bounded_rep(lua_State *L) {
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (l + lsep < l || l + lsep > TFS_MAXSTRING / (lua_Unsigned)n)
        return luaL_error(L, "resulting string too large");
    size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, total);
    memcpy(out, s, l);
    if (n > 1) {
        // After the first piece the result is periodic: (sep piece) repeated n-1 times.
        char *rest = out + l;
        size_t unit = lsep + l, need = total - l, done = unit;
        const size_t cap = (size_t)16 << 20;
        memcpy(rest, sep, lsep);
        memcpy(rest + lsep, s, l);
        while (done < need) {
            // `done` and `need` are multiples of `unit`, so every chunk is too.
            size_t chunk = done < need - done ? done : need - done;
            if (chunk > cap) chunk = (cap / unit > 0) ? (cap / unit) * unit : unit;
            memcpy(rest + done, rest, chunk);
            done += chunk;
            tfs_bounded_check(L);
        }
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

static void set_fields(lua_State *L, int index, const luaL_Reg *fns) {
    for (; fns->name != NULL; fns++) {
        lua_pushcfunction(L, fns->func);
        lua_setfield(L, index, fns->name);
    }
}

void tfs_install_bounded_library(lua_State *L, int string_index, int table_index) {
    static const luaL_Reg string_fns[] = {
        {"find", tfs_bounded_find}, {"match", tfs_bounded_match}, {"gmatch", tfs_bounded_gmatch},
        {"gsub", tfs_bounded_gsub}, {"rep", tfs_bounded_rep}, {NULL, NULL}};
    static const luaL_Reg table_fns[] = {
        {"concat", tfs_bounded_concat}, {"insert", tfs_bounded_insert},
        {"remove", tfs_bounded_remove}, {"move", tfs_bounded_move},
        {"sort", tfs_bounded_sort}, {"unpack", tfs_bounded_unpack}, {NULL, NULL}};
    if (string_index != 0) set_fields(L, lua_absindex(L, string_index), string_fns);
    if (table_index != 0) set_fields(L, lua_absindex(L, table_index), table_fns);
}
