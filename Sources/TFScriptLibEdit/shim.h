#ifndef CLIBEDIT_SHIM_H
#define CLIBEDIT_SHIM_H
// libedit (Debian libedit-dev) through its readline-compatible API, for `tfscript repl`.
// The REPL reads lines and computes completions on one thread only; these globals are
// touched from that thread alone.
#include <stdio.h>
#include <editline/readline.h>

/// Installs the completion callback and the word-break characters (without '.' and ':', so
/// `tf.endpoints.li` is completed as one word).
static inline void tfs_rl_set_completer(char **(*completer)(const char *, int, int)) {
    static char breaks[] = " \t\n\"\\'`@$><=;|&{(,[)]}+-*/%^#~";
    rl_attempted_completion_function = (rl_completion_func_t *)completer;
    rl_basic_word_break_characters = breaks;
    rl_completer_word_break_characters = breaks;
    rl_completion_append_character = '\0';
}

/// Tells readline not to fall back to file-name completion.
static inline void tfs_rl_completion_over(void) { rl_attempted_completion_over = 1; }

/// The whole line being edited (for context around the completed word).
static inline const char *tfs_rl_line_buffer(void) { return rl_line_buffer; }

/// Sets readline's program name (for ~/.editrc sections) before the first readline call.
static inline void tfs_rl_set_name(const char *name) { rl_readline_name = name; }
/// Whether libedit installs its own signal handlers (the REPL handles SIGINT itself).
static inline void tfs_rl_set_catch_signals(int on) { rl_catch_signals = on; }

/// Reads input through `getc` (one character per call, a Unicode code point, -1 at the end).
static inline void tfs_rl_set_getc(int (*getc)(FILE *)) { rl_getc_function = getc; }
#endif
