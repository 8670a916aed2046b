// Bounded replacements for the standard-library C functions that can loop for a long time
// inside one C call (issue 9, class 9). A Lua count hook only fires between VM instructions,
// so a long loop in C (a backtracking pattern, string.rep of an empty string, table.move over
// 2^63 indexes, a range produced by a C metamethod) cannot be stopped by it. These versions keep
// the observable behaviour of stock Lua 5.4.4 (results and error messages) but call
// tfs_check_limits_or_raise every few thousand steps of any loop whose length the script controls.
//
// Private header of CLuaShims (not under include/): Swift never sees it.
#ifndef TFS_BOUNDED_H
#define TFS_BOUNDED_H

#include <lua.h>
#include <lauxlib.h>
#include <stddef.h>

/// Provided by limits.c. Returns when the run may go on; otherwise raises the limit error
/// (lua_error) itself, and keeps raising it on later calls (the limit is sticky).
void tfs_check_limits_or_raise(lua_State *L);

/// Replaces find, match, gmatch, gsub and rep in the table at `string_index`, and concat,
/// insert, remove, move, sort and unpack in the table at `table_index`, with bounded versions.
/// An index of 0 skips that library. Call it under lua_pcall (it allocates, so it may raise).
/// Since the string metatable's __index is the string table itself, method calls (s:find)
/// use the bounded versions too.
void tfs_install_bounded_library(lua_State *L, int string_index, int table_index);

// ---- Internal to bounded_*.c ------------------------------------------------------------

/// How many steps a loop may take between two limit checks.
#define TFS_BOUNDED_STEPS 4096

/// Calls the limit check (if linked in). Kept out of line: it is the cold path of every loop.
void tfs_bounded_check(lua_State *L);

/// Step counter for loops outside the matcher: `if (--*budget < 0) tfs_bounded_tick(L, budget);`
void tfs_bounded_tick(lua_State *L, long *budget);

#define TFS_MAXCAPTURES 32      /* LUA_MAXCAPTURES of stock Lua */
#define TFS_MAXMATCHDEPTH 200   /* MAXCCALLS of stock lstrlib.c: nested matcher calls */

#define TFS_CAP_UNFINISHED (-1)
#define TFS_CAP_POSITION (-2)

/// State of one pattern match. Lives on the C stack (find/match/gsub) or inside a userdata
/// (gmatch), never in a global, so two Lua states never share it.
typedef struct tfs_match {
    lua_State *L;
    const char *src;        /* subject start */
    const char *src_end;    /* subject end (the byte there is Lua's terminating NUL) */
    const char *pat_end;    /* pattern end */
    long budget;            /* steps left before the next limit check */
    int depth;              /* nested matcher calls still allowed */
    int level;              /* number of captures (finished or not) */
    struct { const char *start; ptrdiff_t len; } cap[TFS_MAXCAPTURES];
} tfs_match;

void tfs_match_init(tfs_match *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp);
/// Tries to match pattern `p` at subject position `s`; returns the end of the match or NULL.
const char *tfs_match_at(tfs_match *m, const char *s, const char *p);
/// Pushes capture `i` (or the whole match s..e when there are no captures and i == 0).
void tfs_match_push_capture(tfs_match *m, int i, const char *s, const char *e);
/// Pushes all captures (the whole match if none and s != NULL); returns how many.
int tfs_match_push_captures(tfs_match *m, const char *s, const char *e);
/// Returns capture `i` as a string span, or pushes its position and returns TFS_CAP_POSITION.
ptrdiff_t tfs_match_get_capture(tfs_match *m, int i, const char *s, const char *e, const char **cap);

int tfs_bounded_find(lua_State *L);
int tfs_bounded_match(lua_State *L);
int tfs_bounded_gmatch(lua_State *L);
int tfs_bounded_gsub(lua_State *L);
int tfs_bounded_rep(lua_State *L);

int tfs_bounded_concat(lua_State *L);
int tfs_bounded_insert(lua_State *L);
int tfs_bounded_remove(lua_State *L);
int tfs_bounded_move(lua_State *L);
int tfs_bounded_sort(lua_State *L);
int tfs_bounded_unpack(lua_State *L);

#endif
