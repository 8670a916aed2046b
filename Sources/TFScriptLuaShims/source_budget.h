// The parser-work bound of a chunk (source_budget.c), fed token by token by source_check.c.
#ifndef TFS_SOURCE_BUDGET_H
#define TFS_SOURCE_BUDGET_H
#include "source_lexer.h"

/// lparser.c refuses deeper nesting itself (LUAI_MAXCCALLS is 200 C levels, and each block,
/// function and bracket takes at least one), so a deeper chunk is refused here without loss.
#define TFS_BUDGET_MAX_BLOCKS 256

typedef struct tfs_budget_block {
    unsigned char kind;
    long locals_at_entry; // of its function, restored when the block ends
    long elseifs;         // an if's `elseif`s so far (the length of its escape list)
} tfs_budget_block;

typedef struct tfs_budget_function {
    long locals;          // declared and in scope (an upper bound; lparser.c keeps at most 200 active)
    long outer_charge;    // one name search through the enclosing functions (fixed while this one is open)
    long outer_locals;    // the enclosing functions' locals (bounded by 200 each)
    long upvalue_bound;   // this function's upvalues at most
    long labels, gotos;   // `::label::`s and `goto`/`break`s so far
    long consts;          // `<const>` locals declared
    long expr_ops;        // `and`/`or` since the current expression began (an upper bound)
    long brackets;        // brackets open in this function's own code
    long numeric_constants;
    long blocks_open;     // blocks open inside this function
    long pending_loops;   // `while`/`for` whose `do` is still ahead
    long for_base;        // locals before the pending `for`'s names, -1 if none
} tfs_budget_function;

typedef struct tfs_budget {
    unsigned long units;  // the bound so far
    int previous;         // the previous token
    int decl;             // what names declare now (source_budget.c D_*)
    int in_label;
    int last_constant;    // the last operand is a numeric constant expression (folded by lcode.c)
    int bracket_depth;
    unsigned char constant_level[TFS_BUDGET_MAX_BLOCKS + 2]; // per open bracket: `(` holding only numerals and arithmetic
    int block_depth, function_depth;
    tfs_budget_block blocks[TFS_BUDGET_MAX_BLOCKS];
    tfs_budget_function functions[TFS_BUDGET_MAX_BLOCKS];
} tfs_budget;

void tfs_budget_init(tfs_budget *b);
/// Charges token `t` (the lexer holds its text). 0 when blocks nest deeper than
/// TFS_BUDGET_MAX_BLOCKS (the parser would refuse it).
int tfs_budget_token(tfs_budget *b, int t, const tfs_lexer *lx);
#endif
