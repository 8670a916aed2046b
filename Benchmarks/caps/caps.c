// The parser and collector caps measured outside SwiftPM (Benchmarks/bench.py, P6), with the
// sandbox's own C (source_check.c, source_lexer.c, source_budget.c, weak_mode.c) and the same
// static liblua5.4.a the release build links.
//   caps check FILE          prints "accepted CHECK_S COMPILE_S" or "refused CHECK_S"
//   caps gc SCRIPT N         runs SCRIPT (ephemerons.lua) with N in a state whose weak mode is
//                            off, as the sandbox's; prints the script's output
#define _POSIX_C_SOURCE 200809L
#include "../../Sources/TFScriptLuaShims/internal.h"
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); // CPU time, as os.clock: comparable with lua5.4's
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
    fclose(f);
    *size = (size_t)n;
    return s;
}

static int check(const char *path) {
    size_t size;
    char *text = read_file(path, &size);
    char problem[400];
    double start = now();
    int ok = size <= TFS_MAX_SOURCE_BYTES && tfs_check_source(text, size, TFS_MAX_INDEX_CHAIN, problem, sizeof problem);
    double checked = now();
    if (!ok) {
        printf("refused %.6f\n", checked - start);
        return 0;
    }
    lua_State *L = luaL_newstate();
    double compile_start = now();
    int status = luaL_loadbufferx(L, text, size, "=chunk", "t");
    double compiled = now();
    if (status != LUA_OK) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
    printf("accepted %.6f %.6f\n", checked - start, compiled - compile_start);
    lua_close(L);
    free(text);
    return 0;
}

static int disable(lua_State *L) {
    tfs_disable_weak_mode(L);
    return 0;
}

static int gc(const char *script, const char *n) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, disable);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
    lua_pushstring(L, n);
    lua_setglobal(L, "N");
    if (luaL_dofile(L, script) != LUA_OK) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
    lua_close(L);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "check") == 0) return check(argv[2]);
    if (argc == 4 && strcmp(argv[1], "gc") == 0) return gc(argv[2], argv[3]);
    fprintf(stderr, "usage: caps check FILE | caps gc SCRIPT N\n");
    return 2;
}
