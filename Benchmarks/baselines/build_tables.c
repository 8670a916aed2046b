/* Benchmark P3's construction floor: the Lua tables tfscript hands a script for the 10,000
   endpoints, built with the Lua C API and nothing else (no HTTP, no JSON text, no checks, no
   memory limit), in a fresh process like tfscript's run. Same shape as the benchmark's pages
   after normalization (13 members, a nested `scaling`, plus `state`), same static liblua5.4
   tfscript's release build links. Prints "build_ms X". Usage: build_tables */
#include <lua.h>
#include <lauxlib.h>
#include <stdio.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void field(lua_State *L, const char *key, const char *value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, key);
}

int main(void) {
  static const char *regions[] = {"eu-north1", "eu-west1", "us-central1"};
  char buffer[64];
  lua_State *L = luaL_newstate();
  double start = now_ms();
  lua_createtable(L, 10000, 0); /* every table presized: the cheapest way to build them */
  for (int i = 1; i <= 10000; i++) {
    lua_createtable(L, 0, 14);
    snprintf(buffer, sizeof buffer, "ep-%05d", i); field(L, "endpoint_id", buffer);
    snprintf(buffer, sizeof buffer, "bench-%05d", i); field(L, "name", buffer);
    field(L, "description", "an endpoint made for the benchmarks");
    field(L, "model_name", "openai/gpt-oss-120b");
    field(L, "flavor_name", "base");
    field(L, "gpu_type", "gpu-h100-sxm");
    lua_pushinteger(L, 1); lua_setfield(L, -2, "gpu_count");
    field(L, "region", regions[i % 3]);
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, 0); lua_setfield(L, -2, "min_replicas");
    lua_pushinteger(L, 2); lua_setfield(L, -2, "max_replicas");
    lua_setfield(L, -2, "scaling");
    lua_pushboolean(L, 1); lua_setfield(L, -2, "enabled");
    field(L, "status", "running");
    snprintf(buffer, sizeof buffer, "bench/model-%05d", i); field(L, "routing_key", buffer);
    field(L, "created_at", "2026-01-01T00:00:00Z");
    field(L, "state", "running");
    lua_rawseti(L, -2, i);
  }
  printf("build_ms %.3f\n", now_ms() - start);
  lua_close(L);
  return 0;
}
