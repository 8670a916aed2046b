// JSON text straight into Lua values, for tf.json.decode: no intermediate tree, so a large
// API response becomes Lua tables at C speed. Same mapping as the Swift JSON module
// (DESIGN.md §3): null -> light userdata NULL, arrays and objects get the marker metatables,
// numbers without fraction or exponent that fit lua_Integer stay integers, strict RFC 8259,
// invalid UTF-8 and lone surrogates refused, nesting capped.
//
// The collector is paused while one document is built: all of it stays reachable until it is
// returned, so a collection step could free nothing of it, only walk it again.
//
// Never raises for bad input: a failure returns 0 with a message, and the caller raises (or
// throws) where that is safe. The tables are built under the script's memory budget, inside a
// protected call of its own: running out of budget ends the decoding, not the process.
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <math.h>
#include <limits.h>

typedef struct {
    lua_State *L;
    const unsigned char *s;
    size_t n, pos;
    int depth, max_depth;
    int array_mt, object_mt; // absolute stack indices of the marker metatables
    char *err;
    size_t errlen;
    size_t erroffset;
    long budget; // values left before the next limit check
} jd;

static int fail(jd *d, const char *msg) {
    if (!d->err[0]) {
        snprintf(d->err, d->errlen, "%s", msg);
        d->erroffset = d->pos;
    }
    return 0;
}

static void skip_ws(jd *d) {
    while (d->pos < d->n) {
        unsigned char c = d->s[d->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') d->pos++;
        else break;
    }
}

static int fail_unexpected(jd *d, const char *expected) {
    char msg[96];
    if (d->pos >= d->n) snprintf(msg, sizeof msg, "unexpected end of input, %s", expected);
    else {
        unsigned char c = d->s[d->pos];
        if (c > 0x20 && c < 0x7f) snprintf(msg, sizeof msg, "unexpected '%c', %s", c, expected);
        else snprintf(msg, sizeof msg, "unexpected byte 0x%02X, %s", c, expected);
    }
    return fail(d, msg);
}

#define TFS_JSON_CHECK_STEPS 4096

static int parse_value(jd *d);

/// Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid (overlong, surrogate, > U+10FFFF).
static size_t utf8_len(const unsigned char *p, size_t avail) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return (avail >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;          // overlong
        if (c == 0xED && p[1] >= 0xA0) return 0;         // surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;          // overlong
        if (c == 0xF4 && p[1] >= 0x90) return 0;         // > U+10FFFF
        return 4;
    }
    return 0;
}

static int hex4(jd *d, unsigned *out) {
    if (d->pos + 4 > d->n) return fail(d, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = d->s[d->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else { d->pos--; return fail(d, "invalid hex digit in \\u escape"); }
    }
    *out = v;
    return 1;
}

static size_t encode_utf8(unsigned cp, unsigned char *out) {
    if (cp < 0x80) { out[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { out[0] = 0xC0 | (cp >> 6); out[1] = 0x80 | (cp & 0x3F); return 2; }
    if (cp < 0x10000) {
        out[0] = 0xE0 | (cp >> 12); out[1] = 0x80 | ((cp >> 6) & 0x3F); out[2] = 0x80 | (cp & 0x3F); return 3;
    }
    out[0] = 0xF0 | (cp >> 18); out[1] = 0x80 | ((cp >> 12) & 0x3F);
    out[2] = 0x80 | ((cp >> 6) & 0x3F); out[3] = 0x80 | (cp & 0x3F);
    return 4;
}

/// Pushes the string starting at the opening quote.
static int parse_string(jd *d) {
    d->pos++; // opening quote
    size_t start = d->pos;
    // Fast path: no escapes.
    while (d->pos < d->n) {
        unsigned char c = d->s[d->pos];
        if (c == '"') {
            lua_pushlstring(d->L, (const char *)d->s + start, d->pos - start);
            d->pos++;
            return 1;
        }
        if (c == '\\') break;
        if (c < 0x20) return fail(d, "control character in string (must be escaped)");
        if (c < 0x80) { d->pos++; continue; }
        size_t len = utf8_len(d->s + d->pos, d->n - d->pos);
        if (!len) return fail(d, "string is not valid UTF-8");
        d->pos += len;
    }
    if (d->pos >= d->n) { d->pos = start - 1; return fail(d, "unterminated string"); }
    // Slow path: copy with escapes decoded into a scratch buffer as long as this string's
    // text (decoding never lengthens it). Sized by this string, not by the rest of the input:
    // sized by the rest, a document of many short escaped strings cost O(n) per string.
    size_t end = d->pos;
    while (end < d->n && d->s[end] != '"') end += d->s[end] == '\\' ? 2 : 1;
    size_t cap = (end < d->n ? end : d->n) - start + 4;
    unsigned char *buf = malloc(cap);
    if (!buf) return fail(d, "out of memory decoding a string");
    size_t out = d->pos - start;
    memcpy(buf, d->s + start, out);
    while (d->pos < d->n) {
        unsigned char c = d->s[d->pos];
        if (c == '"') {
            lua_pushlstring(d->L, (const char *)buf, out);
            free(buf);
            d->pos++;
            return 1;
        }
        if (c < 0x20) { free(buf); return fail(d, "control character in string (must be escaped)"); }
        if (c == '\\') {
            d->pos++;
            if (d->pos >= d->n) { free(buf); return fail(d, "unterminated escape"); }
            unsigned char e = d->s[d->pos++];
            switch (e) {
            case '"': buf[out++] = '"'; break;
            case '\\': buf[out++] = '\\'; break;
            case '/': buf[out++] = '/'; break;
            case 'b': buf[out++] = '\b'; break;
            case 'f': buf[out++] = '\f'; break;
            case 'n': buf[out++] = '\n'; break;
            case 'r': buf[out++] = '\r'; break;
            case 't': buf[out++] = '\t'; break;
            case 'u': {
                unsigned cp;
                if (!hex4(d, &cp)) { free(buf); return 0; }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo;
                    if (d->pos + 2 > d->n || d->s[d->pos] != '\\' || d->s[d->pos + 1] != 'u') {
                        free(buf); return fail(d, "lone high surrogate in \\u escape");
                    }
                    d->pos += 2;
                    if (!hex4(d, &lo)) { free(buf); return 0; }
                    if (lo < 0xDC00 || lo > 0xDFFF) { free(buf); return fail(d, "invalid low surrogate in \\u escape"); }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    free(buf); return fail(d, "lone low surrogate in \\u escape");
                }
                out += encode_utf8(cp, buf + out);
                break;
            }
            default:
                d->pos--;
                free(buf);
                return fail(d, "invalid escape");
            }
            continue;
        }
        if (c < 0x80) { buf[out++] = c; d->pos++; continue; }
        size_t len = utf8_len(d->s + d->pos, d->n - d->pos);
        if (!len) { free(buf); return fail(d, "string is not valid UTF-8"); }
        memcpy(buf + out, d->s + d->pos, len);
        out += len;
        d->pos += len;
    }
    free(buf);
    d->pos = start - 1;
    return fail(d, "unterminated string");
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int parse_number(jd *d) {
    size_t start = d->pos;
    int is_integer = 1;
    if (d->s[d->pos] == '-') d->pos++;
    if (d->pos >= d->n || !is_digit(d->s[d->pos])) return fail(d, "a number needs digits after '-'");
    if (d->s[d->pos] == '0') {
        d->pos++;
        if (d->pos < d->n && is_digit(d->s[d->pos])) return fail(d, "numbers cannot have leading zeros");
    } else {
        while (d->pos < d->n && is_digit(d->s[d->pos])) d->pos++;
    }
    if (d->pos < d->n && d->s[d->pos] == '.') {
        is_integer = 0;
        d->pos++;
        if (d->pos >= d->n || !is_digit(d->s[d->pos])) return fail(d, "a digit must follow '.'");
        while (d->pos < d->n && is_digit(d->s[d->pos])) d->pos++;
    }
    if (d->pos < d->n && (d->s[d->pos] == 'e' || d->s[d->pos] == 'E')) {
        is_integer = 0;
        d->pos++;
        if (d->pos < d->n && (d->s[d->pos] == '+' || d->s[d->pos] == '-')) d->pos++;
        if (d->pos >= d->n || !is_digit(d->s[d->pos])) return fail(d, "an exponent needs digits");
        while (d->pos < d->n && is_digit(d->s[d->pos])) d->pos++;
    }
    size_t len = d->pos - start;
    if (is_integer && len <= 20) {
        // Exact int64 parsing; on overflow fall through to a float, as the Swift parser does.
        const unsigned char *p = d->s + start;
        int negative = *p == '-';
        if (negative) p++;
        unsigned long long magnitude = 0;
        int overflow = 0;
        for (; p < d->s + d->pos; p++) {
            unsigned digit = *p - '0';
            if (magnitude > (ULLONG_MAX - digit) / 10) { overflow = 1; break; }
            magnitude = magnitude * 10 + digit;
        }
        if (!overflow) {
            if (!negative && magnitude <= (unsigned long long)LUA_MAXINTEGER) {
                lua_pushinteger(d->L, (lua_Integer)magnitude);
                return 1;
            }
            if (negative && magnitude <= (unsigned long long)LUA_MAXINTEGER + 1ULL) {
                lua_pushinteger(d->L, (lua_Integer)(0ULL - magnitude));
                return 1;
            }
        }
    }
    char small[64];
    char *text = len < sizeof small ? small : malloc(len + 1);
    if (!text) return fail(d, "out of memory decoding a number");
    memcpy(text, d->s + start, len);
    text[len] = 0;
    // strtod in the "C" locale sense: JSON's grammar (checked above) has no locale-dependent forms
    // except the decimal point, which lua_stringtonumber handles as Lua does.
    size_t used = lua_stringtonumber(d->L, text);
    if (text != small) free(text);
    if (used == 0) { d->pos = start; return fail(d, "number out of range"); }
    if (!lua_isinteger(d->L, -1)) {
        lua_Number x = lua_tonumber(d->L, -1);
        if (isinf(x) || isnan(x)) { lua_pop(d->L, 1); d->pos = start; return fail(d, "number out of range"); }
    } else {
        // lua_stringtonumber made an integer of something with a fraction? (cannot happen: is_integer was 0)
        lua_Integer i = lua_tointeger(d->L, -1);
        lua_pop(d->L, 1);
        lua_pushnumber(d->L, (lua_Number)i);
    }
    return 1;
}

static int expect_literal(jd *d, const char *word) {
    size_t len = strlen(word);
    if (d->pos + len > d->n || memcmp(d->s + d->pos, word, len) != 0) return fail_unexpected(d, "expected a value");
    d->pos += len;
    return 1;
}

static int enter(jd *d) {
    if (++d->depth > d->max_depth) {
        char msg[64];
        snprintf(msg, sizeof msg, "nesting deeper than %d levels", d->max_depth);
        return fail(d, msg);
    }
    if (!lua_checkstack(d->L, 4)) return fail(d, "nesting too deep for the Lua stack");
    return 1;
}

static int parse_array(jd *d) {
    if (!enter(d)) return 0;
    d->pos++;
    lua_createtable(d->L, 0, 0);
    lua_pushvalue(d->L, d->array_mt);
    lua_setmetatable(d->L, -2);
    skip_ws(d);
    if (d->pos < d->n && d->s[d->pos] == ']') { d->pos++; d->depth--; return 1; }
    lua_Integer i = 0;
    for (;;) {
        skip_ws(d);
        if (!parse_value(d)) return 0;
        lua_rawseti(d->L, -2, ++i);
        skip_ws(d);
        if (d->pos < d->n && d->s[d->pos] == ',') { d->pos++; continue; }
        if (d->pos < d->n && d->s[d->pos] == ']') { d->pos++; break; }
        return fail_unexpected(d, "expected ',' or ']'");
    }
    d->depth--;
    return 1;
}

static int parse_object(jd *d) {
    if (!enter(d)) return 0;
    d->pos++;
    lua_createtable(d->L, 0, 4);
    lua_pushvalue(d->L, d->object_mt);
    lua_setmetatable(d->L, -2);
    skip_ws(d);
    if (d->pos < d->n && d->s[d->pos] == '}') { d->pos++; d->depth--; return 1; }
    for (;;) {
        skip_ws(d);
        if (d->pos >= d->n || d->s[d->pos] != '"') return fail_unexpected(d, "expected a string key");
        if (!parse_string(d)) return 0;
        skip_ws(d);
        if (d->pos >= d->n || d->s[d->pos] != ':') return fail_unexpected(d, "expected ':'");
        d->pos++;
        skip_ws(d);
        if (!parse_value(d)) return 0;
        lua_rawset(d->L, -3);
        skip_ws(d);
        if (d->pos < d->n && d->s[d->pos] == ',') { d->pos++; continue; }
        if (d->pos < d->n && d->s[d->pos] == '}') { d->pos++; break; }
        return fail_unexpected(d, "expected ',' or '}'");
    }
    d->depth--;
    return 1;
}

static int parse_value(jd *d) {
    if (d->pos >= d->n) return fail(d, "unexpected end of input, expected a value");
    // The count hook cannot run inside this C call: look at the deadline and the interrupt
    // every few thousand values, as the bounded library functions do. A tripped limit ends
    // the decoding; the trampoline raises it once the host call returns.
    if (--d->budget < 0) {
        d->budget = TFS_JSON_CHECK_STEPS;
        if (tfs_check_limits(d->L)) return fail(d, "stopped: a limit of the run was reached");
    }
    switch (d->s[d->pos]) {
    case '{': return parse_object(d);
    case '[': return parse_array(d);
    case '"': return parse_string(d);
    case 't': if (!expect_literal(d, "true")) return 0; lua_pushboolean(d->L, 1); return 1;
    case 'f': if (!expect_literal(d, "false")) return 0; lua_pushboolean(d->L, 0); return 1;
    case 'n': if (!expect_literal(d, "null")) return 0; lua_pushlightuserdata(d->L, NULL); return 1;
    default:
        if (d->s[d->pos] == '-' || is_digit(d->s[d->pos])) return parse_number(d);
        return fail_unexpected(d, "expected a value");
    }
}

static int decode_value(lua_State *L, const char *s, size_t n, const char *array_mt, const char *object_mt,
                        int max_depth, char *err, size_t errlen, size_t *erroffset) {
    int base = lua_gettop(L);
    err[0] = 0;
    if (!lua_checkstack(L, 8)) { snprintf(err, errlen, "Lua stack overflow"); *erroffset = 0; return 0; }
    lua_getfield(L, LUA_REGISTRYINDEX, array_mt);
    lua_getfield(L, LUA_REGISTRYINDEX, object_mt);
    jd d = { L, (const unsigned char *)s, n, 0, 0, max_depth, base + 1, base + 2, err, errlen, 0 };
    skip_ws(&d);
    int ok = parse_value(&d);
    if (ok) {
        skip_ws(&d);
        if (d.pos != d.n) {
            char msg[96];
            unsigned char c = d.s[d.pos];
            if (c > 0x20 && c < 0x7f) snprintf(msg, sizeof msg, "unexpected '%c' after the end of the document", c);
            else snprintf(msg, sizeof msg, "unexpected byte 0x%02X after the end of the document", c);
            ok = fail(&d, msg);
        }
    }
    if (!ok) {
        *erroffset = d.erroffset;
        lua_settop(L, base);
        return 0;
    }
    // Keep only the value: drop the two metatables below it.
    lua_replace(L, base + 1);
    lua_settop(L, base + 1);
    return 1;
}

typedef struct decode_args {
    const char *s;
    size_t n;
    const char *array_mt, *object_mt;
    int max_depth;
    char *err;
    size_t errlen;
    size_t *erroffset;
    int ok;
    int collector_was_running;
} decode_args;

static int decode_protected(lua_State *L) {
    decode_args *a = lua_touserdata(L, 1);
    if (a->collector_was_running) lua_gc(L, LUA_GCSTOP);
    a->ok = decode_value(L, a->s, a->n, a->array_mt, a->object_mt, a->max_depth, a->err, a->errlen, a->erroffset);
    if (!a->ok) lua_pushnil(L);
    return 1;
}

/// Runs the decoder in a protected call, with the budget enforced (the decoded tree is the
/// script's data: charged as it is built). A memory error is noted as the memory limit.
static int decode_under_budget(lua_State *L, decode_args *a) {
    tfs_sandbox *s = tfs_sb(L);
    if (!lua_checkstack(L, 4)) { snprintf(a->err, a->errlen, "Lua stack overflow"); return 0; }
    lua_pushcfunction(L, decode_protected);
    lua_pushlightuserdata(L, a);
    int saved = s->relaxed;
    s->relaxed = 0;
    // Paused inside the protected call, restarted here whatever happened in it. An allocation
    // that fails still runs Lua's emergency collection first (it ignores the pause).
    a->collector_was_running = lua_gc(L, LUA_GCISRUNNING);
    int status = lua_pcall(L, 1, 1, 0);
    if (a->collector_was_running) lua_gc(L, LUA_GCRESTART);
    s->relaxed = saved;
    if (status != LUA_OK) {
        tfs_note_status(L, status);
        if (!a->err[0]) {
            const char *why = tfs_limit_tripped(L) ? "stopped: a limit of the run was reached"
                : status == LUA_ERRMEM ? "not enough memory" : "cannot build the decoded value";
            snprintf(a->err, a->errlen, "%s", why);
        }
        lua_pop(L, 1);
        return 0;
    }
    if (!a->ok) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

int tfs_json_decode_buffer_push(lua_State *L, const char *text, size_t len, const char *array_mt, const char *object_mt,
                                int max_depth, char *err, size_t errlen, size_t *erroffset) {
    err[0] = 0;
    *erroffset = 0;
    decode_args a = { text, len, array_mt, object_mt, max_depth, err, errlen, erroffset, 0, 0 };
    return decode_under_budget(L, &a);
}

int tfs_json_decode_push(lua_State *L, int string_index, const char *array_mt, const char *object_mt,
                         int max_depth, char *err, size_t errlen, size_t *erroffset) {
    err[0] = 0;
    *erroffset = 0;
    if (lua_type(L, string_index) != LUA_TSTRING) { snprintf(err, errlen, "expected a string"); return 0; }
    size_t n;
    // The string stays at string_index (below the protected call), so its bytes stay valid.
    const char *text = lua_tolstring(L, string_index, &n);
    decode_args a = { text, n, array_mt, object_mt, max_depth, err, errlen, erroffset, 0, 0 };
    return decode_under_budget(L, &a);
}
