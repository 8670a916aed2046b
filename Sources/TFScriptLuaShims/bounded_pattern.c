// A Lua 5.4 pattern matcher (manual §6.4.1) whose every loop is metered, so a
// catastrophic pattern can be stopped by the run's limits. Written from the manual's semantics;
// it keeps stock Lua's observable behaviour: the same backtracking order (so the same matches
// and captures), the same lazy error detection (a malformed item is only reported once the
// matcher reaches it, as stock does), the same nesting limit ("pattern too complex") and the
// same messages.
#include "bounded.h"

#include <ctype.h>
#include <string.h>

#define UCH(c) ((unsigned char)(c))

void tfs_bounded_check(lua_State *L) {
    // Weak symbol: absent until limits.c defines it (see bounded.h).
    tfs_check_limits_or_raise(L);
}

void tfs_bounded_tick(lua_State *L, long *budget) {
    *budget = TFS_BOUNDED_STEPS;  // refill first: the check may raise
    tfs_bounded_check(L);
}

// Spends `n` steps; checks the limits when the budget runs out. Called on every matcher entry
// and in every loop over the subject, so no path runs more than a few thousand steps unchecked.
static inline void spend(tfs_match *m, long n) {
    m->budget -= n;
    if (m->budget < 0) tfs_bounded_tick(m->L, &m->budget);
}

void tfs_match_init(tfs_match *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->pat_end = p + lp;
    m->budget = TFS_BOUNDED_STEPS;
    m->depth = TFS_MAXMATCHDEPTH;
    m->level = 0;
}

// %a %c %d %g %l %p %s %u %w %x (and the old %z), upper case for the complement; any other letter after '%'
// stands for itself (e.g. '%.' is a literal dot). Uses the C library's classification, like
// stock Lua, so the current C locale applies the same way.
// The class letter is folded with `| 0x20` rather than tolower(): only ASCII letters reach the
// named cases, for which both agree in every locale, and it keeps this hot path free of calls.
static inline int class_has(int c, int cls) {
    int r;
    switch (cls | 0x20) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    case 'z': r = (c == 0); break;  // deprecated in the manual, still accepted by 5.4
    default: return cls == c;
    }
    if ((cls & 0x20) == 0) r = !r;  // an upper-case letter: the complement
    return r != 0;
}

// `open` points at '[' and `close` at its ']'. The first character after '[' (or '[^') never
// closes the set, so "[]]" and "[^]]" contain ']'.
static int set_has(int c, const char *open, const char *close) {
    int want = 1;
    const char *q = open + 1;
    if (*q == '^') {
        want = 0;
        q++;
    }
    for (; q < close; q++) {
        if (*q == '%') {
            q++;
            if (class_has(c, UCH(*q))) return want;
        } else if (q[1] == '-' && q + 2 < close) {
            if (UCH(q[0]) <= c && c <= UCH(q[2])) return want;
            q += 2;
        } else if (UCH(*q) == c) {
            return want;
        }
    }
    return !want;
}

// Returns the end of the single-character class starting at p (just past it).
// Patterns are Lua strings, so reading *pat_end (a NUL) is safe.
static const char *item_end(tfs_match *m, const char *p) {
    char first = *p++;
    if (first == '%') {
        if (p >= m->pat_end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (first == '[') {
        const char *open = p - 1;
        if (*p == '^') p++;
        do {  // the first member is taken unconditionally (see set_has)
            if (p >= m->pat_end) luaL_error(m->L, "malformed pattern (missing ']')");
            if (*p++ == '%' && p < m->pat_end) p++;
        } while (*p != ']');
        spend(m, 1 + ((p - open) >> 3));  // scanning a long set costs more than one step
        return p + 1;
    }
    return p;
}

// Does the class p..ep (ep = item end) accept the subject byte at s?
static inline int one_char(tfs_match *m, const char *s, const char *p, const char *ep) {
    if (s >= m->src_end) return 0;
    int c = UCH(*s);
    switch (*p) {
    case '.': return 1;
    case '%': return class_has(c, UCH(p[1]));
    case '[': return set_has(c, p, ep - 1);
    default: return UCH(*p) == c;
    }
}

// Greedy repetition: take the longest run, then give back one byte at a time.
// Testing a byte against a set costs one step per 8 members (a 1e5-member set must not be
// tried 1e5 times as 1e5 steps).
static inline long item_cost(const char *p, const char *ep) {
    return *p == '[' ? 1 + ((ep - p) >> 3) : 1;
}

static const char *do_match(tfs_match *m, const char *s, const char *p);

static const char *greedy(tfs_match *m, const char *s, const char *p, const char *ep) {
    ptrdiff_t n = 0;
    long cost = item_cost(p, ep), budget = m->budget;  // a local: no reload after each byte
    while (one_char(m, s + n, p, ep)) {
        n++;
        if ((budget -= cost) < 0) tfs_bounded_tick(m->L, &budget);
    }
    m->budget = budget;
    for (;; n--) {
        const char *r = do_match(m, s + n, ep + 1);
        if (r != NULL) return r;
        if (n == 0) return NULL;
    }
}

// Lazy repetition: try the rest first, extend by one byte only when it fails.
static const char *lazy(tfs_match *m, const char *s, const char *p, const char *ep) {
    for (;;) {
        const char *r = do_match(m, s, ep + 1);
        if (r != NULL) return r;
        m->budget -= item_cost(p, ep) - 1;  // do_match already spent one step
        if (!one_char(m, s, p, ep)) return NULL;
        s++;
    }
}

static const char *open_capture(tfs_match *m, const char *s, const char *p, ptrdiff_t kind) {
    if (m->level >= TFS_MAXCAPTURES) luaL_error(m->L, "too many captures");
    m->cap[m->level].start = s;
    m->cap[m->level].len = kind;
    m->level++;
    const char *r = do_match(m, s, p);
    if (r == NULL) m->level--;  // undo on backtrack
    return r;
}

static const char *close_capture(tfs_match *m, const char *s, const char *p) {
    int l = m->level - 1;
    while (l >= 0 && m->cap[l].len != TFS_CAP_UNFINISHED) l--;  // innermost open capture
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].start;
    const char *r = do_match(m, s, p);
    if (r == NULL) m->cap[l].len = TFS_CAP_UNFINISHED;
    return r;
}

// %1-%9 inside a pattern: the text of an earlier, closed capture. A position capture never
// matches (its length is negative, so the size test fails), as in stock Lua.
static const char *backref(tfs_match *m, const char *s, int digit) {
    int i = digit - '1';
    if (i < 0 || i >= m->level || m->cap[i].len == TFS_CAP_UNFINISHED)
        luaL_error(m->L, "invalid capture index %%%d", i + 1);
    size_t len = (size_t)m->cap[i].len;
    if ((size_t)(m->src_end - s) < len) return NULL;
    spend(m, (long)(len >> 5));
    return memcmp(m->cap[i].start, s, len) == 0 ? s + len : NULL;
}

// %bxy: a balanced run from x to the matching y.
static const char *balance(tfs_match *m, const char *s, const char *p) {
    if (p + 1 >= m->pat_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != p[0]) return NULL;
    char open = p[0], close = p[1];
    long depth = 1;
    while (++s < m->src_end) {
        if (--m->budget < 0) tfs_bounded_tick(m->L, &m->budget);
        if (*s == close) {
            if (--depth == 0) return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

static const char *do_match(tfs_match *m, const char *s, const char *p) {
    // Recursion happens only for captures, '?', and each try of a repetition: the same places
    // as in stock Lua, so "pattern too complex" trips on the same patterns.
    if (m->depth-- == 0) luaL_error(m->L, "pattern too complex");
    while (p != m->pat_end) {
        if (--m->budget < 0) tfs_bounded_tick(m->L, &m->budget);
        switch (*p) {
        case '(':
            if (p[1] == ')') s = open_capture(m, s, p + 2, TFS_CAP_POSITION);
            else s = open_capture(m, s, p + 1, TFS_CAP_UNFINISHED);
            goto out;
        case ')':
            s = close_capture(m, s, p + 1);
            goto out;
        case '$':
            if (p + 1 == m->pat_end) {  // only a final '$' anchors
                if (s != m->src_end) s = NULL;
                goto out;
            }
            break;
        case '%':
            if (p[1] == 'b') {
                s = balance(m, s, p + 2);
                if (s == NULL) goto out;
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                p += 2;
                if (*p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const char *ep = item_end(m, p);
                int before = (s == m->src) ? 0 : UCH(s[-1]);
                int here = UCH(*s);  // at the end of the subject this is the NUL terminator
                if (!set_has(before, p, ep - 1) && set_has(here, p, ep - 1)) {
                    p = ep;
                    continue;
                }
                s = NULL;
                goto out;
            }
            if (p[1] >= '0' && p[1] <= '9') {  // not isdigit(): no ctype call on the hot path
                s = backref(m, s, UCH(p[1]));
                if (s == NULL) goto out;
                p += 2;
                continue;
            }
            break;
        default: break;
        }
        // A single-character class with an optional quantifier.
        const char *ep = item_end(m, p);
        char q = *ep;
        if (*p == '[') m->budget -= item_cost(p, ep);
        if (!one_char(m, s, p, ep)) {
            if (q == '*' || q == '?' || q == '-') {
                p = ep + 1;  // zero repetitions are fine
                continue;
            }
            s = NULL;
            goto out;
        }
        switch (q) {
        case '?': {
            const char *r = do_match(m, s + 1, ep + 1);
            if (r != NULL) {
                s = r;
                goto out;
            }
            p = ep + 1;
            continue;
        }
        case '+': s = greedy(m, s + 1, p, ep); goto out;
        case '*': s = greedy(m, s, p, ep); goto out;
        case '-': s = lazy(m, s, p, ep); goto out;
        default:
            s++;
            p = ep;
            continue;
        }
    }
out:
    m->depth++;
    return s;
}

const char *tfs_match_at(tfs_match *m, const char *s, const char *p) {
    return do_match(m, s, p);
}

ptrdiff_t tfs_match_get_capture(tfs_match *m, int i, const char *s, const char *e, const char **cap) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *cap = s;  // no captures: capture 0 is the whole match
        return e - s;
    }
    ptrdiff_t len = m->cap[i].len;
    *cap = m->cap[i].start;
    if (len == TFS_CAP_UNFINISHED) luaL_error(m->L, "unfinished capture");
    if (len == TFS_CAP_POSITION) lua_pushinteger(m->L, (lua_Integer)(m->cap[i].start - m->src) + 1);
    return len;
}

void tfs_match_push_capture(tfs_match *m, int i, const char *s, const char *e) {
    const char *cap;
    ptrdiff_t len = tfs_match_get_capture(m, i, s, e, &cap);
    if (len != TFS_CAP_POSITION) lua_pushlstring(m->L, cap, (size_t)len);
}

int tfs_match_push_captures(tfs_match *m, const char *s, const char *e) {
    int n = (m->level == 0 && s != NULL) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++) tfs_match_push_capture(m, i, s, e);
    return n;
}
