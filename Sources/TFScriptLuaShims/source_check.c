// A pass over Lua source text before it is compiled, for one Lua 5.4.4 bug the sandbox must
// keep scripts from reaching (docs/lua-5.4.4-bugs.md, lua/lua 7923dbbf): naming the operand
// of a failing operation ("field 'b'") recurses once per field access of a chain t.a.a...a.b
// and rescans the function's code at each level. The parser accepts chains of any length, so
// one error on a 100,000-long chain was seconds of C no hook can interrupt, then a crash.
//
// The pass tokenizes just enough of Lua (comments, short and long strings, names, numbers,
// brackets) to count, per bracket level, how many index suffixes (`.name`, `[expr]`) follow
// one another; a call or any other token ends the chain (a call result has no name, so the
// recursion stops there). Written by hand: it is a lexer skeleton, not a parser, and no
// library offers one for Lua.
#include "internal.h"
#include <string.h>

#define MAX_DEPTH 256

typedef struct scan {
    const char *s;
    size_t n, i;
    int line;
} scan;

static int is_name_start(unsigned char c) { return c == '_' || (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_name_char(unsigned char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

/// At `[` or `]`: the level of a long bracket `[==[` (>= 0), or -1 if it is not one.
static int long_bracket_level(const scan *sc, size_t at) {
    char open = sc->s[at];
    size_t j = at + 1;
    int level = 0;
    while (j < sc->n && sc->s[j] == '=') { level++; j++; }
    return j < sc->n && sc->s[j] == open ? level : -1;
}

/// Skips a long string or comment whose opening bracket (level `level`) starts at i.
static void skip_long(scan *sc, int level) {
    sc->i += (size_t)level + 2;
    while (sc->i < sc->n) {
        char c = sc->s[sc->i];
        if (c == '\n') sc->line++;
        if (c == ']' && long_bracket_level(sc, sc->i) == level) {
            sc->i += (size_t)level + 2;
            return;
        }
        sc->i++;
    }
}

static void skip_short_string(scan *sc) {
    char quote = sc->s[sc->i++];
    while (sc->i < sc->n) {
        char c = sc->s[sc->i++];
        if (c == '\\' && sc->i < sc->n) {
            if (sc->s[sc->i] == '\n') sc->line++;
            sc->i++;
        } else if (c == quote || c == '\n') {
            return;
        }
    }
}

enum { T_END, T_NAME, T_STRING, T_NUMBER, T_DOT, T_OPEN_INDEX, T_OPEN_PAREN, T_OPEN_BRACE, T_CLOSE, T_COLON, T_OTHER };

/// The next token's kind; skips whitespace and comments.
static int next_token(scan *sc) {
    for (;;) {
        if (sc->i >= sc->n) return T_END;
        unsigned char c = (unsigned char)sc->s[sc->i];
        if (c == '\n') { sc->line++; sc->i++; continue; }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') { sc->i++; continue; }
        if (c == '-' && sc->i + 1 < sc->n && sc->s[sc->i + 1] == '-') {
            sc->i += 2;
            int level = sc->i < sc->n && sc->s[sc->i] == '[' ? long_bracket_level(sc, sc->i) : -1;
            if (level >= 0) { skip_long(sc, level); continue; }
            while (sc->i < sc->n && sc->s[sc->i] != '\n') sc->i++;
            continue;
        }
        break;
    }
    unsigned char c = (unsigned char)sc->s[sc->i];
    if (is_name_start(c)) {
        while (sc->i < sc->n && is_name_char((unsigned char)sc->s[sc->i])) sc->i++;
        return T_NAME;
    }
    if (c >= '0' && c <= '9' || (c == '.' && sc->i + 1 < sc->n && sc->s[sc->i + 1] >= '0' && sc->s[sc->i + 1] <= '9')) {
        while (sc->i < sc->n) {
            unsigned char d = (unsigned char)sc->s[sc->i];
            if ((d | 32) == 'e' || (d | 32) == 'p') {
                sc->i++;
                if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-')) sc->i++;
            } else if (is_name_char(d) || d == '.') {
                sc->i++;
            } else {
                break;
            }
        }
        return T_NUMBER;
    }
    if (c == '"' || c == '\'') { skip_short_string(sc); return T_STRING; }
    if (c == '[') {
        int level = long_bracket_level(sc, sc->i);
        if (level >= 0) { skip_long(sc, level); return T_STRING; }
        sc->i++;
        return T_OPEN_INDEX;
    }
    sc->i++;
    switch (c) {
    case '.':
        if (sc->i < sc->n && sc->s[sc->i] == '.') { // `..` or `...`
            while (sc->i < sc->n && sc->s[sc->i] == '.') sc->i++;
            return T_OTHER;
        }
        return T_DOT;
    case ':':
        if (sc->i < sc->n && sc->s[sc->i] == ':') { sc->i++; return T_OTHER; } // label `::`
        return T_COLON;
    case '(': return T_OPEN_PAREN;
    case '{': return T_OPEN_BRACE;
    case ')': case ']': case '}': return T_CLOSE;
    default: return T_OTHER;
    }
}

int tfs_check_source(const char *text, size_t size, int max_chain, char *err, size_t errlen) {
    scan sc = { text, size, 0, 1 };
    // Per bracket level: the length of the index chain in progress there, and whether the
    // bracket that opened the level was an index `[` (its close extends the outer chain).
    int chain[MAX_DEPTH + 1];
    char opened_index[MAX_DEPTH + 1];
    int depth = 0;
    chain[0] = 0;
    opened_index[0] = 0;
    int previous = T_OTHER; // the last token, for telling `t[k]` (index) from `{[k] = v}`
    if (size > 0 && text[0] == '#') { // a first line starting with # is skipped by Lua
        while (sc.i < sc.n && text[sc.i] != '\n') sc.i++;
    }
    for (;;) {
        int t = next_token(&sc);
        if (t == T_END) return 1;
        int ends_prefix = previous == T_NAME || previous == T_CLOSE || previous == T_STRING;
        switch (t) {
        case T_DOT:
            chain[depth]++;
            break;
        case T_NAME:
            if (previous != T_DOT && previous != T_COLON) chain[depth] = 0;
            break;
        case T_OPEN_INDEX:
        case T_OPEN_PAREN:
        case T_OPEN_BRACE:
            if (depth == MAX_DEPTH) return 1; // the parser refuses this nesting itself
            if (t != T_OPEN_INDEX || !ends_prefix) chain[depth] = 0; // a call, or not an index
            depth++;
            chain[depth] = 0;
            opened_index[depth] = t == T_OPEN_INDEX && ends_prefix;
            break;
        case T_CLOSE:
            if (depth > 0) {
                int was_index = opened_index[depth];
                depth--;
                if (was_index) chain[depth]++;
            }
            break;
        default:
            chain[depth] = 0;
            break;
        }
        if (chain[depth] > max_chain) {
            snprintf(err, errlen,
                     "line %d: a chain of more than %d field or index accesses (t.a.a...) in one expression; "
                     "the tfscript sandbox refuses it (Lua 5.4.4 can crash naming such an operand; use a loop)",
                     sc.line, max_chain);
            return 0;
        }
        previous = t;
    }
}
