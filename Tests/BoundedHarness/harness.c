// Standalone harness for the bounded library: opens the standard libraries, installs the
// bounded functions (unless --stock), installs a count hook and a deadline, runs one script.
//   harness [--stock] [--deadline SECONDS] script.lua
// The deadline is enforced by this file's tfs_check_limits_or_raise (a stub of limits.c's):
// it is called from the count hook and from the bounded C loops. Exit: 0 ok, 1 error,
// 3 limit reached (prints "LIMIT after X.XXXs").
#define _POSIX_C_SOURCE 200809L
#include "../../Sources/TFScriptLuaShims/bounded.h"

#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    double deadline;  // monotonic seconds; 0 = none
    int tripped;
} limits;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Per-state data through the extra space, not a global (mirrors what limits.c must do).
static limits *limits_of(lua_State *L) { return *(limits **)lua_getextraspace(L); }

void tfs_check_limits_or_raise(lua_State *L) {
    limits *lim = limits_of(L);
    if (lim->tripped || (lim->deadline > 0 && now() > lim->deadline)) {
        lim->tripped = 1;
        lua_pushliteral(L, "time limit exceeded");
        lua_error(L);
    }
}

static void hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    tfs_check_limits_or_raise(L);
}

static int install(lua_State *L) {
    lua_getglobal(L, "string");
    lua_getglobal(L, "table");
    tfs_install_bounded_library(L, 1, 2);
    return 0;
}

int main(int argc, char **argv) {
    int stock = 0;
    double seconds = 0;
    const char *script = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stock") == 0) stock = 1;
        else if (strcmp(argv[i], "--deadline") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
        else script = argv[i];
    }
    if (script == NULL) {
        fprintf(stderr, "usage: harness [--stock] [--deadline SECONDS] script.lua\n");
        return 2;
    }
    limits lim = {0, 0};
    lua_State *L = luaL_newstate();
    *(limits **)lua_getextraspace(L) = &lim;
    luaL_openlibs(L);
    if (!stock) {
        lua_pushcfunction(L, install);
        if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
            fprintf(stderr, "install: %s\n", lua_tostring(L, -1));
            return 1;
        }
    }
    double start = now();
    if (seconds > 0) lim.deadline = start + seconds;
    lua_sethook(L, hook, LUA_MASKCOUNT, 1000);
    int rc = luaL_loadfile(L, script);
    if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 0);
    double took = now() - start;
    fflush(stdout);
    if (lim.tripped) {
        fprintf(stderr, "LIMIT after %.3fs\n", took);
        lua_close(L);
        return 3;
    }
    if (rc != LUA_OK) {
        fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
        lua_close(L);
        return 1;
    }
    lua_close(L);
    return 0;
}
