// A tokenizer for Lua 5.4.4 source that splits text exactly where llex.c does (source_lexer.c).
// The source checks (source_check.c, source_budget.c) see what the parser will see: a
// comment, string or line ending read differently would let text the checks took for a string
// reach the parser as code.
#ifndef TFS_SOURCE_LEXER_H
#define TFS_SOURCE_LEXER_H
#include <stddef.h>

enum tfs_token {
    TFS_T_END, TFS_T_NAME, TFS_T_STRING, TFS_T_NUMBER,
    // keywords
    TFS_T_AND, TFS_T_BREAK, TFS_T_DO, TFS_T_ELSE, TFS_T_ELSEIF, TFS_T_END_KW, TFS_T_FALSE, TFS_T_FOR,
    TFS_T_FUNCTION, TFS_T_GOTO, TFS_T_IF, TFS_T_IN, TFS_T_LOCAL, TFS_T_NIL, TFS_T_NOT, TFS_T_OR,
    TFS_T_REPEAT, TFS_T_RETURN, TFS_T_THEN, TFS_T_TRUE, TFS_T_UNTIL, TFS_T_WHILE,
    // symbols the checks look at (TFS_T_ARITH: + - * / // % ^ & | ~ << >>); every other is TFS_T_OTHER
    TFS_T_DOT, TFS_T_CONCAT_OR_DOTS, TFS_T_COLON, TFS_T_DBCOLON, TFS_T_OPEN_INDEX, TFS_T_OPEN_PAREN,
    TFS_T_OPEN_BRACE, TFS_T_CLOSE, TFS_T_ARITH, TFS_T_COMMA, TFS_T_SEMICOLON, TFS_T_ASSIGN, TFS_T_LESS, TFS_T_GREATER, TFS_T_OTHER,
};

typedef struct tfs_lexer {
    const char *s;
    size_t n, i;
    int line;               // of the last token read (llex.c's line counting: \n, \r, \r\n, \n\r)
    size_t token_start, token_len; // the last token's text
} tfs_lexer;

/// Reads the next token (skipping spaces, line endings and comments).
int tfs_next_token(tfs_lexer *lx);
#endif
