/* Benchmark P4's control: the same Lua library tfscript links (Debian's shared liblua5.4),
   with nothing added: no sandbox, no limits, no hook. The lua5.4 executable is a different
   build of the VM (non-PIC, linked into the binary), so this separates "the sandbox costs"
   from "the shared library costs". Usage: plain_host SCRIPT.lua */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  if (luaL_dofile(L, argv[1])) { fprintf(stderr, "%s\n", lua_tostring(L, -1)); return 1; }
  lua_close(L);
  return 0;
}
