// The token boundaries of Lua 5.4.4's lexer (llex.c), for the source checks that run before a
// chunk is compiled. Only the boundaries must match llex.c exactly: where a comment, a string or
// a line ends. Where llex.c raises a lexical error (an unfinished string, a bad escape, a
// malformed number) the parser stops there, so what this lexer makes of the rest cannot matter.
// Written by hand: it is a lexer skeleton, and no library offers one for Lua.
#include "source_lexer.h"
#include <string.h>

static int is_newline(char c) { return c == '\n' || c == '\r'; }
static int is_name_start(unsigned char c) { return c == '_' || ((c | 32) >= 'a' && (c | 32) <= 'z'); }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_name_char(unsigned char c) { return is_name_start(c) || is_digit(c); }
static int is_xdigit(unsigned char c) { return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
/// llex.c's lisspace (C's isspace in the "C" locale).
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/// At a line ending: skips it as llex.c's inclinenumber does (`\n\r` and `\r\n` are one ending).
static void skip_newline(tfs_lexer *lx) {
    char old = lx->s[lx->i++];
    if (lx->i < lx->n && is_newline(lx->s[lx->i]) && lx->s[lx->i] != old) lx->i++;
    lx->line++;
}

/// At `[` or `]`: the number of `=` of a long bracket `[==[` / `]==]`, or -1 if none starts here.
static long bracket_level(const tfs_lexer *lx, size_t at) {
    char open = lx->s[at];
    size_t j = at + 1;
    while (j < lx->n && lx->s[j] == '=') j++;
    return j < lx->n && lx->s[j] == open ? (long)(j - at - 1) : -1;
}

/// Skips a long string or comment whose opening bracket of `level` starts at i (llex.c's
/// read_long_string: it ends at the first `]`, exactly `level` `=`, `]`).
static void skip_long(tfs_lexer *lx, long level) {
    lx->i += (size_t)level + 2;
    while (lx->i < lx->n) {
        char c = lx->s[lx->i];
        if (is_newline(c)) {
            skip_newline(lx);
        } else if (c == ']' && bracket_level(lx, lx->i) == level) {
            lx->i += (size_t)level + 2;
            return;
        } else {
            lx->i++;
        }
    }
}

/// Skips a short string (llex.c's read_string): an escaped line ending is one line ending, `\z`
/// skips all following white space, line endings included; an unescaped line ending is an
/// error there, so the token ends.
static void skip_short_string(tfs_lexer *lx) {
    char quote = lx->s[lx->i++];
    while (lx->i < lx->n) {
        char c = lx->s[lx->i];
        if (c == quote) { lx->i++; return; }
        if (is_newline(c)) return; // "unfinished string": the parser stops here
        lx->i++;
        if (c != '\\' || lx->i >= lx->n) continue;
        char e = lx->s[lx->i];
        if (is_newline(e)) {
            skip_newline(lx);
        } else if (e == 'z') {
            lx->i++;
            while (lx->i < lx->n && is_space(lx->s[lx->i])) {
                if (is_newline(lx->s[lx->i])) skip_newline(lx);
                else lx->i++;
            }
        } else {
            lx->i++; // the escaped character; digits, x.. and u{..} that follow are plain characters
        }
    }
}

/// llex.c's read_numeral.
static void skip_numeral(tfs_lexer *lx) {
    const char *expo = "Ee";
    if (lx->s[lx->i] == '0' && lx->i + 1 < lx->n && (lx->s[lx->i + 1] | 32) == 'x') {
        expo = "Pp";
        lx->i += 2;
    } else {
        lx->i++;
    }
    while (lx->i < lx->n) {
        char c = lx->s[lx->i];
        if (c == expo[0] || c == expo[1]) {
            lx->i++;
            if (lx->i < lx->n && (lx->s[lx->i] == '-' || lx->s[lx->i] == '+')) lx->i++;
        } else if (is_xdigit((unsigned char)c) || c == '.') {
            lx->i++;
        } else {
            break;
        }
    }
}

static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
};

static int name_kind(const char *p, size_t len) {
    if (len < 2 || len > 8) return TFS_T_NAME;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
        if (strlen(keywords[k]) == len && memcmp(keywords[k], p, len) == 0) return TFS_T_AND + (int)k;
    return TFS_T_NAME;
}

int tfs_next_token(tfs_lexer *lx) {
    for (;;) {
        if (lx->i >= lx->n) return TFS_T_END;
        char c = lx->s[lx->i];
        if (is_newline(c)) { skip_newline(lx); continue; }
        if (c == ' ' || c == '\t' || c == '\f' || c == '\v') { lx->i++; continue; }
        if (c == '-' && lx->i + 1 < lx->n && lx->s[lx->i + 1] == '-') {
            lx->i += 2;
            long level = lx->i < lx->n && lx->s[lx->i] == '[' ? bracket_level(lx, lx->i) : -1;
            if (level >= 0) { skip_long(lx, level); continue; }
            while (lx->i < lx->n && !is_newline(lx->s[lx->i])) lx->i++; // a short comment ends at \n or \r
            continue;
        }
        break;
    }
    unsigned char c = (unsigned char)lx->s[lx->i];
    lx->token_start = lx->i;
    if (is_name_start(c)) {
        while (lx->i < lx->n && is_name_char((unsigned char)lx->s[lx->i])) lx->i++;
        lx->token_len = lx->i - lx->token_start;
        return name_kind(lx->s + lx->token_start, lx->token_len);
    }
    if (is_digit(c) || (c == '.' && lx->i + 1 < lx->n && is_digit((unsigned char)lx->s[lx->i + 1]))) {
        skip_numeral(lx);
        lx->token_len = lx->i - lx->token_start;
        return TFS_T_NUMBER;
    }
    if (c == '"' || c == '\'') { skip_short_string(lx); return TFS_T_STRING; }
    if (c == '[') {
        long level = bracket_level(lx, lx->i);
        if (level >= 0) { skip_long(lx, level); return TFS_T_STRING; }
        lx->i++; // `[=` without a second `[` is llex.c's "invalid long string delimiter"
        return TFS_T_OPEN_INDEX;
    }
    lx->i++;
    char next = lx->i < lx->n ? lx->s[lx->i] : 0;
    switch (c) {
    case '.': // `.`, `..` or `...` (llex.c reads at most three)
        if (next != '.') return TFS_T_DOT;
        lx->i++;
        if (lx->i < lx->n && lx->s[lx->i] == '.') lx->i++;
        return TFS_T_CONCAT_OR_DOTS;
    case ':':
        if (next == ':') { lx->i++; return TFS_T_DBCOLON; }
        return TFS_T_COLON;
    case '=':
        if (next == '=') { lx->i++; return TFS_T_OTHER; }
        return TFS_T_ASSIGN;
    case '<':
        if (next == '=' || next == '<') { lx->i++; return next == '<' ? TFS_T_ARITH : TFS_T_OTHER; }
        return TFS_T_LESS;
    case '>':
        if (next == '=' || next == '>') { lx->i++; return next == '>' ? TFS_T_ARITH : TFS_T_OTHER; }
        return TFS_T_GREATER;
    case '(': return TFS_T_OPEN_PAREN;
    case '{': return TFS_T_OPEN_BRACE;
    case ')': case ']': case '}': return TFS_T_CLOSE;
    case ',': return TFS_T_COMMA;
    case ';': return TFS_T_SEMICOLON;
    case '~':
        if (next == '=') { lx->i++; return TFS_T_OTHER; }
        return TFS_T_ARITH;
    case '/':
        if (next == '/') lx->i++;
        return TFS_T_ARITH;
    case '+': case '-': case '*': case '%': case '^': case '&': case '|':
        return TFS_T_ARITH;
    default: return TFS_T_OTHER;
    }
}
