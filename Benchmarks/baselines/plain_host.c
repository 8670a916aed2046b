/* Benchmark P4's control and P7's floor: the same Lua library tfscript's release build links
   (Debian's liblua5.4.a), with nothing added: no sandbox, no limits, no hook.
     plain_host SCRIPT.lua       runs a script (P4's control)
     plain_host --floor RUNS     P7's floor: RUNS times, a fresh lua_State with the libraries
                                 tfscript's sandbox opens (base, string, table, math, utf8,
                                 coroutine, os), compile the issue-21 chunk, run it, check its
                                 value, close. Prints the median microseconds of one such run.
     plain_host --floor-threads THREADS RUNS  the same from THREADS threads at once, RUNS each;
                                 prints wall microseconds ÷ all runs (median of 5 rounds). */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *chunk = "local x = 0 for i = 1, 10 do x = x + i end return x";

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void one_run(void) {
  lua_State *L = luaL_newstate();
  static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
    {LUA_OSLIBNAME, luaopen_os}, {NULL, NULL}};
  for (const luaL_Reg *lib = libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  if (luaL_loadbufferx(L, chunk, strlen(chunk), "=floor", "t") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK ||
      lua_tointeger(L, -1) != 55) {
    fprintf(stderr, "plain_host: the floor chunk failed\n");
    exit(1);
  }
  lua_close(L);
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, int n) {
  qsort(values, n, sizeof *values, compare);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static int runs_per_thread;
static void *worker(void *unused) {
  (void)unused;
  for (int i = 0; i < runs_per_thread; i++) one_run();
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--floor") == 0) {
    int runs = atoi(argv[2]);
    double *samples = malloc(sizeof(double) * runs);
    for (int i = 0; i < 500; i++) one_run();
    for (int i = 0; i < runs; i++) {
      double start = now_us();
      one_run();
      samples[i] = now_us() - start;
    }
    printf("%.1f\n", median(samples, runs));
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "--floor-threads") == 0) {
    int threads = atoi(argv[2]);
    runs_per_thread = atoi(argv[3]);
    double rounds[5];
    pthread_t *ids = malloc(sizeof(pthread_t) * threads);
    for (int round = 0; round < 5; round++) {
      double start = now_us();
      for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, NULL);
      for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
      rounds[round] = (now_us() - start) / ((double)threads * runs_per_thread);
    }
    printf("%.1f\n", median(rounds, 5));
    return 0;
  }
  if (argc != 2) { fprintf(stderr, "usage: plain_host SCRIPT.lua | --floor RUNS | --floor-threads THREADS RUNS\n"); return 2; }
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  if (luaL_dofile(L, argv[1])) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
  lua_close(L);
  return 0;
}
