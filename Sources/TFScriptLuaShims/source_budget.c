// An upper bound of the work Lua 5.4.4's parser (lparser.c, lcode.c) will do on a chunk,
// computed from its tokens before it is compiled. Compiling is one C call no hook can interrupt,
// and several of its paths are quadratic or worse in shapes a script controls (measured with
// stock lua5.4, docs/sandbox.md): every jump-list append walks the list (`elseif` chains,
// `and`/`or`/`not` chains), every label and goto scans the function's labels and pending gotos
// and each block exit rescans pending gotos past `<const>` locals, every name is searched
// through the locals and upvalues of each enclosing function, and numeric constants are
// deduplicated in a hash table whose float and integer hashes are unseeded (colliding keys turn
// each lookup into a chain walk). The bound charges each token the steps those loops can take
// at most there; a chunk whose total is over the budget is refused.
//
// Units: one unit is one step of the cheapest of those loops (about 1.6 ns on the reference
// machine); the jump-list and constant steps cost more and are weighted.
#include "source_budget.h"
#include <string.h>

enum { B_FUNCTION, B_DO, B_LOOP, B_IF, B_REPEAT };
enum { D_NONE, D_LOCAL, D_FOR, D_FUNCNAME, D_PARAMS };

#define MAX_ACTIVE_LOCALS 200 // lparser.c MAXVARS
#define MAX_UPVALUES 255      // lparser.c MAXUPVAL
#define JUMP_WEIGHT 2         // a jump-list step (getjump/fixjump) against a name comparison
#define CONSTANT_WEIGHT 4     // a colliding hash-chain step (cache misses)

static long min_long(long a, long b) { return a < b ? a : b; }

static tfs_budget_function *top(tfs_budget *b) { return &b->functions[b->function_depth - 1]; }

static int push_block(tfs_budget *b, int kind, long locals_at_entry) {
    if (b->block_depth == TFS_BUDGET_MAX_BLOCKS) return 0;
    tfs_budget_block *k = &b->blocks[b->block_depth++];
    k->kind = (unsigned char)kind;
    k->locals_at_entry = locals_at_entry;
    k->elseifs = 0;
    if (kind != B_FUNCTION) top(b)->blocks_open++;
    return 1;
}

static int push_function(tfs_budget *b) {
    if (b->function_depth == TFS_BUDGET_MAX_BLOCKS) return 0;
    long outer = 0, outer_locals = 0;
    if (b->function_depth > 0) {
        tfs_budget_function *f = top(b);
        outer = f->outer_charge + min_long(f->locals, MAX_ACTIVE_LOCALS) + f->upvalue_bound;
        outer_locals = f->outer_locals + min_long(f->locals, MAX_ACTIVE_LOCALS);
    }
    tfs_budget_function *f = &b->functions[b->function_depth++];
    memset(f, 0, sizeof *f);
    f->outer_charge = outer;
    f->outer_locals = outer_locals;
    // An upvalue names a distinct variable of an enclosing function (or _ENV): they cannot
    // change while this function is compiled.
    f->upvalue_bound = min_long(1 + outer_locals, MAX_UPVALUES);
    f->for_base = -1;
    return push_block(b, B_FUNCTION, 0);
}

/// The steps of resolving one name here: searchvar over active locals and searchupvalue over
/// upvalues in each enclosing function, twice for a global (the name, then _ENV).
static long name_charge(tfs_budget *b) {
    tfs_budget_function *f = top(b);
    return 2 * (f->outer_charge + min_long(f->locals, MAX_ACTIVE_LOCALS) + f->upvalue_bound);
}

/// At a loop's end lparser.c creates its `break` label: solvegotos over the pending gotos.
static long loop_end_charge(tfs_budget_function *f) { return f->labels + f->gotos; }

/// Whether a numeral becomes a constant (lcode.c: integers that fit in sBx load immediately;
/// anything else is looked up in the function's constant table).
static int numeral_is_constant(const char *p, size_t len) {
    if (len > 4) return 1;
    for (size_t i = 0; i < len; i++)
        if (p[i] < '0' || p[i] > '9') return 1;
    return 0;
}

static int is_statement_keyword(int t) {
    switch (t) {
    case TFS_T_LOCAL: case TFS_T_IF: case TFS_T_WHILE: case TFS_T_FOR: case TFS_T_REPEAT: case TFS_T_UNTIL:
    case TFS_T_RETURN: case TFS_T_DO: case TFS_T_GOTO: case TFS_T_BREAK: case TFS_T_DBCOLON: case TFS_T_THEN:
    case TFS_T_ELSEIF: case TFS_T_ELSE: case TFS_T_END_KW:
        return 1;
    default:
        return 0;
    }
}

static int ends_operand(int t) {
    switch (t) {
    case TFS_T_NAME: case TFS_T_NUMBER: case TFS_T_STRING: case TFS_T_CLOSE: case TFS_T_TRUE: case TFS_T_FALSE:
    case TFS_T_NIL: case TFS_T_END_KW:
        return 1;
    default:
        return 0;
    }
}

/// Whether token `t` starts a new expression region of function `f`: the jump lists of the
/// expressions before it are complete. A statement keyword; a `,`, `;` or `=` outside brackets
/// (explists and assignments discharge each expression); a name right after an operand (in
/// valid Lua only a new statement starts so). Inside brackets nothing resets: `{k = a or b}`
/// may be one operand of a longer chain.
static int ends_expression(const tfs_budget *b, const tfs_budget_function *f, int previous, int t) {
    (void)b;
    if (is_statement_keyword(t)) return 1;
    if (f->brackets == 0 && (t == TFS_T_COMMA || t == TFS_T_ASSIGN || t == TFS_T_SEMICOLON)) return 1;
    return t == TFS_T_NAME && ends_operand(previous);
}

/// lcode.c folds arithmetic on numeric constants at compile time, so numerals that are not
/// constants themselves (small integers) can still make any number of distinct, colliding
/// constants: `(1 + 2^52) / 2^53`. Each operator whose left operand is a constant expression (a
/// numeral, or parentheses holding only numerals and operators) may add one: it is charged as a
/// numeric constant.
static void track_folding(tfs_budget *b, tfs_budget_function *f, int t, const tfs_lexer *lx) {
    int level = b->bracket_depth;
    switch (t) {
    case TFS_T_NUMBER:
        b->last_constant = 1;
        return;
    case TFS_T_ARITH:
        if (b->last_constant) {
            b->units += CONSTANT_WEIGHT * f->numeric_constants;
            f->numeric_constants++;
        }
        b->last_constant = 0;
        return;
    case TFS_T_OPEN_PAREN: case TFS_T_OPEN_INDEX: case TFS_T_OPEN_BRACE:
        if (level < TFS_BUDGET_MAX_BLOCKS) {
            b->bracket_depth = ++level;
            b->constant_level[level] = t == TFS_T_OPEN_PAREN;
        }
        b->last_constant = 0;
        return;
    case TFS_T_CLOSE:
        if (level > 0) {
            int constant = lx->s[lx->token_start] == ')' && b->constant_level[level];
            b->bracket_depth = --level;
            b->last_constant = constant;
            if (!constant) b->constant_level[level] = 0;
            return;
        }
        b->last_constant = 0;
        return;
    default:
        b->constant_level[level] = 0;
        b->last_constant = 0;
        return;
    }
}

void tfs_budget_init(tfs_budget *b) {
    memset(b, 0, sizeof *b);
    b->previous = TFS_T_OTHER;
    (void)push_function(b); // the main chunk
}

/// Closes the innermost block (at `end` or `until`). 0 when there is none (a syntax error the
/// parser reports).
static void close_block(tfs_budget *b, int t) {
    if (b->block_depth <= 1) return; // an `end` too many: the parser's error
    tfs_budget_block *k = &b->blocks[--b->block_depth];
    tfs_budget_function *f = top(b);
    if (k->kind == B_FUNCTION) {
        b->function_depth--;
        return;
    }
    f->blocks_open--;
    if (k->kind == B_LOOP || k->kind == B_REPEAT) b->units += loop_end_charge(f);
    // Locals declared in the block leave scope; a repeat's stay visible to its `until`
    // expression, so they are kept (an over-estimate).
    if (k->kind != B_REPEAT || t != TFS_T_UNTIL) f->locals = k->locals_at_entry;
}

int tfs_budget_token(tfs_budget *b, int t, const tfs_lexer *lx) {
    tfs_budget_function *f = top(b);
    int previous = b->previous;
    b->previous = t;
    if (ends_expression(b, f, previous, t)) f->expr_ops = 0;
    b->units += f->consts; // luaY_nvarstack walks back past <const> locals several times per statement

    // Declarations: names after `local`, a `for`'s names, a function's name and parameters.
    int declaring = b->decl;
    if (declaring == D_LOCAL && !(t == TFS_T_NAME || t == TFS_T_COMMA || t == TFS_T_LESS || t == TFS_T_GREATER))
        b->decl = D_NONE;
    else if (declaring == D_FOR && !(t == TFS_T_NAME || t == TFS_T_COMMA))
        b->decl = D_NONE;
    switch (b->decl) {
    case D_LOCAL:
        if (t == TFS_T_NAME) {
            if (previous == TFS_T_LESS) {
                if (lx->token_len == 5 && memcmp(lx->s + lx->token_start, "const", 5) == 0) f->consts++;
            } else {
                f->locals++;
            }
        }
        return 1;
    case D_FOR:
        if (t == TFS_T_NAME) f->locals++;
        return 1;
    case D_FUNCNAME:
        if (t == TFS_T_OPEN_PAREN) { b->decl = D_PARAMS; return 1; }
        if (t == TFS_T_COLON) { f->locals++; return 1; } // self
        if (t == TFS_T_NAME && previous != TFS_T_DOT && previous != TFS_T_COLON) b->units += name_charge(b);
        if (t == TFS_T_NAME || t == TFS_T_DOT) return 1;
        b->decl = D_NONE; // a syntax error the parser reports
        break;
    case D_PARAMS:
        if (t == TFS_T_NAME) { f->locals++; return 1; }
        if (t == TFS_T_COMMA || t == TFS_T_CONCAT_OR_DOTS) return 1;
        b->decl = D_NONE; // `)` (or a syntax error)
        return 1;
    }

    track_folding(b, f, t, lx);

    switch (t) {
    case TFS_T_NAME:
        if (previous != TFS_T_DOT && previous != TFS_T_COLON && previous != TFS_T_GOTO && previous != TFS_T_DBCOLON)
            b->units += name_charge(b);
        break;
    case TFS_T_NUMBER:
        if (numeral_is_constant(lx->s + lx->token_start, lx->token_len)) {
            // Unseeded float and integer hashes can all collide: a lookup may walk every
            // constant of the function.
            b->units += CONSTANT_WEIGHT * f->numeric_constants;
            f->numeric_constants++;
        }
        break;
    case TFS_T_OPEN_INDEX: case TFS_T_OPEN_PAREN: case TFS_T_OPEN_BRACE:
        f->brackets++;
        break;
    case TFS_T_CLOSE:
        if (f->brackets > 0) f->brackets--;
        break;
    case TFS_T_LOCAL:
        b->decl = D_LOCAL;
        break;
    case TFS_T_FOR:
        f->for_base = f->locals;
        f->locals += 4; // the loop's hidden control variables
        f->pending_loops++;
        b->decl = D_FOR;
        break;
    case TFS_T_WHILE:
        f->pending_loops++;
        break;
    case TFS_T_FUNCTION:
        if (previous == TFS_T_LOCAL) f->locals++; // `local function f`: f is declared outside
        if (!push_function(b)) return 0;
        b->decl = D_FUNCNAME;
        break;
    case TFS_T_DO:
        if (f->pending_loops > 0) {
            f->pending_loops--;
            long base = f->for_base >= 0 ? f->for_base : f->locals;
            f->for_base = -1;
            if (!push_block(b, B_LOOP, base)) return 0;
        } else if (!push_block(b, B_DO, f->locals)) {
            return 0;
        }
        break;
    case TFS_T_IF:
        if (!push_block(b, B_IF, f->locals)) return 0;
        break;
    case TFS_T_REPEAT:
        if (!push_block(b, B_REPEAT, f->locals)) return 0;
        break;
    case TFS_T_ELSEIF:
    case TFS_T_ELSE: {
        tfs_budget_block *k = &b->blocks[b->block_depth - 1];
        if (k->kind != B_IF) break; // a syntax error the parser reports
        f->locals = k->locals_at_entry;
        if (t == TFS_T_ELSEIF) {
            // test_then_block appends a jump to the if's escape list: a walk of the list.
            b->units += JUMP_WEIGHT * k->elseifs;
            k->elseifs++;
        }
        break;
    }
    case TFS_T_END_KW:
    case TFS_T_UNTIL:
        close_block(b, t);
        break;
    case TFS_T_AND:
    case TFS_T_OR:
    case TFS_T_NOT:
        // luaK_concat walks the expression's true or false list to its end (codenot walks
        // both): at most one entry per `and`/`or` of the expressions since the last statement.
        b->units += JUMP_WEIGHT * f->expr_ops;
        if (t != TFS_T_NOT) f->expr_ops++;
        break;
    case TFS_T_DBCOLON:
        if (b->in_label) { b->in_label = 0; break; } // the closing `::`
        b->in_label = 1;
        // checkrepeated scans the function's labels; createlabel's solvegotos its pending gotos.
        b->units += f->labels + f->gotos;
        f->labels++;
        break;
    case TFS_T_GOTO:
    case TFS_T_BREAK:
        // findlabel scans the labels; resolving it later shifts the pending gotos; each block it
        // leaves pending runs movegotosout, whose reglevel walks back past <const> locals.
        b->units += f->labels + f->gotos + 2 * f->blocks_open * (f->consts + 1);
        f->gotos++;
        break;
    default:
        break;
    }
    if (t != TFS_T_DBCOLON && t != TFS_T_NAME) b->in_label = 0;
    return 1;
}
