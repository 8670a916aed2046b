// A pass over Lua source text before it is compiled, for one Lua 5.4.4 bug the sandbox must
// keep scripts from reaching (docs/lua-5.4.4-bugs.md, lua/lua 7923dbbf): naming the operand
// of a failing operation ("field 'b'") recurses once per field access of a chain t.a.a...a.b
// and rescans the function's code at each level. The parser accepts chains of any length, so
// one error on a 100,000-long chain was seconds of C no hook can interrupt, then a crash.
//
// The pass reads the chunk's tokens exactly as llex.c splits them (source_lexer.c) and counts,
// per bracket level, how many index suffixes (`.name`, `[expr]`) follow one another; a call or
// any other token ends the chain (a call result has no name, so the recursion stops there).
// The same pass bounds the parser's work on the chunk (source_budget.c) and its nesting.
#include "internal.h"
#include "source_budget.h"
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH TFS_BUDGET_MAX_BLOCKS

static int refuse_nesting(const tfs_lexer *lx, char *err, size_t errlen) {
    snprintf(err, errlen,
             "line %d: brackets or blocks nested more than %d deep; the tfscript sandbox refuses it "
             "(Lua itself stops near 200)", lx->line, MAX_DEPTH);
    return 0;
}

int tfs_check_source(const char *text, size_t size, int max_chain, char *err, size_t errlen) {
    tfs_lexer lx = { text, size, 0, 1, 0, 0 };
    // Per bracket level: the length of the index chain in progress there, and whether the
    // bracket that opened the level was an index `[` (its close extends the outer chain).
    int chain[MAX_DEPTH + 1];
    char opened_index[MAX_DEPTH + 1];
    int depth = 0;
    chain[0] = 0;
    opened_index[0] = 0;
    int previous = TFS_T_OTHER; // the last token, for telling `t[k]` (index) from `{[k] = v}`
    tfs_budget *budget = malloc(sizeof *budget); // about 16 KiB: not on a coroutine's C stack
    if (!budget) {
        snprintf(err, errlen, "not enough memory to check the source");
        return 0;
    }
    tfs_budget_init(budget);
    int ok = 1;
    for (;;) {
        int t = tfs_next_token(&lx);
        if (t == TFS_T_END) break;
        if (!tfs_budget_token(budget, t, &lx)) { ok = refuse_nesting(&lx, err, errlen); break; }
        if (budget->units > TFS_MAX_PARSE_UNITS) {
            snprintf(err, errlen,
                     "line %d: compiling this chunk would take too long (its shape makes Lua's parser do more than "
                     "%d million steps: very long if/elseif or and/or chains, many labels and gotos, deeply nested "
                     "functions with many locals, or many numeric constants in one function); the tfscript sandbox "
                     "refuses it (split the work into smaller functions or load data with tf.json.decode)",
                     lx.line, (int)(TFS_MAX_PARSE_UNITS / 1000000));
            ok = 0;
            break;
        }
        int ends_prefix = previous == TFS_T_NAME || previous == TFS_T_CLOSE || previous == TFS_T_STRING;
        switch (t) {
        case TFS_T_DOT:
            chain[depth]++;
            break;
        case TFS_T_NAME:
            if (previous != TFS_T_DOT && previous != TFS_T_COLON) chain[depth] = 0;
            break;
        case TFS_T_OPEN_INDEX:
        case TFS_T_OPEN_PAREN:
        case TFS_T_OPEN_BRACE:
            if (depth == MAX_DEPTH) { ok = refuse_nesting(&lx, err, errlen); goto done; }
            if (t != TFS_T_OPEN_INDEX || !ends_prefix) chain[depth] = 0; // a call, or not an index
            depth++;
            chain[depth] = 0;
            opened_index[depth] = t == TFS_T_OPEN_INDEX && ends_prefix;
            break;
        case TFS_T_CLOSE:
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
                     lx.line, max_chain);
            ok = 0;
            break;
        }
        previous = t;
    }
done:
    free(budget);
    return ok;
}
