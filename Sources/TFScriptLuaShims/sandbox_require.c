// `require` for the sandbox: the opened standard libraries, then Lua source files from the
// script's folder and --lib-path folders only (DESIGN.md §4).
//
// Modules are cached in the loaded-libraries table of the registry, as stock Lua does, so
// `require "string"` returns the library and Lua can name library functions in messages;
// that table is never reachable from scripts (no `package`, no `debug`). A file is loaded
// only if its real path (symlinks resolved) is inside one of the allowed folders' real paths.
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

static const char require_dirs_key = 0; // array of the real paths of the allowed folders

static int valid_module_name(const char *name, size_t len) {
    if (len == 0 || len > 200 || name[0] == '.' || name[len - 1] == '.') return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok) return 0;
        if (c == '.' && name[i + 1] == '.') return 0;
    }
    return 1;
}

/// Whether `path` (a real path) is `dir` or inside it.
static int is_inside(const char *path, const char *dir) {
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/') n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

static int sb_require(lua_State *L) {
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    tfs_guard(L);
    lua_settop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE); // 2
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) != LUA_TNIL && lua_toboolean(L, -1)) return 1; // already loaded
    lua_pop(L, 1);
    if (!valid_module_name(name, len))
        return luaL_error(L, "module '%s' not found: invalid module name (use letters, digits, '_', '-' and '.' between parts; no paths)", name);
    luaL_gsub(L, name, ".", "/"); // 3: relative path
    const char *relative = lua_tostring(L, 3);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &require_dirs_key); // 4
    int dirs = (int)lua_rawlen(L, 4);
    for (int i = 1; i <= dirs; i++) {
        lua_rawgeti(L, 4, i); // 5
        const char *dir = lua_tostring(L, 5);
        const char *path = lua_pushfstring(L, "%s/%s.lua", dir, relative); // 6
        char resolved[PATH_MAX];
        if (realpath(path, resolved) == NULL) { lua_pop(L, 2); continue; }
        if (!is_inside(resolved, dir))
            return luaL_error(L, "module '%s': %s resolves to %s, outside the script's folder and --lib-path folders",
                              name, path, resolved);
        // The file is never open while Lua allocates (an allocation may raise and skip any
        // fclose): its size first, then the buffer, then one read into it.
        struct stat info;
        if (stat(resolved, &info) != 0 || !S_ISREG(info.st_mode)) { lua_pop(L, 2); continue; }
        if (info.st_size > TFS_MAX_SOURCE_BYTES)
            return luaL_error(L, "error loading module '%s': '%s' is larger than the %d MiB the tfscript sandbox compiles",
                              name, path, TFS_MAX_SOURCE_BYTES >> 20);
        lua_pushstring(L, resolved); // 7
        size_t capacity = (size_t)info.st_size;
        char *buffer = lua_newuserdatauv(L, capacity + 1, 0); // 8
        FILE *f = fopen(resolved, "rb");
        if (!f) return luaL_error(L, "error loading module '%s': cannot open '%s'", name, path);
        size_t got = fread(buffer, 1, capacity, f);
        int failed = ferror(f);
        fclose(f);
        if (failed) return luaL_error(L, "error loading module '%s': cannot read '%s'", name, path);
        lua_pushlstring(L, buffer, got);
        lua_replace(L, 8); // 8: the file's text, read whole so it can be checked before it is compiled
        size_t size;
        const char *text = lua_tolstring(L, 8, &size);
        const char *chunkname = lua_pushfstring(L, "@%s", path); // 9: messages say mod.lua:LINE
        size_t skip = 0;
        if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) skip = 3; // a UTF-8 BOM, as luaL_loadfile
        if (size > skip && text[skip] == '#') while (skip < size && text[skip] != '\n') skip++; // as luaL_loadfile
        if (tfs_load_checked(L, text + skip, size - skip, chunkname, "t") != LUA_OK) // 10
            return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, path, lua_tostring(L, -1));
        lua_replace(L, 8);
        lua_settop(L, 8);
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 6);
        lua_call(L, 2, 1); // 8: the module's value
        if (!lua_isnil(L, -1)) {
            lua_pushvalue(L, 1);
            lua_pushvalue(L, -2);
            lua_rawset(L, 2);
        }
        lua_pushvalue(L, 1);
        if (lua_rawget(L, 2) == LUA_TNIL) { // the module set nothing: true, as stock Lua
            lua_pop(L, 1);
            lua_pushvalue(L, 1);
            lua_pushboolean(L, 1);
            lua_rawset(L, 2);
            lua_pushvalue(L, 1);
            lua_rawget(L, 2);
        }
        lua_pushvalue(L, 6); // the loader data: the file name, as stock Lua returns it
        return 2;
    }
    return luaL_error(L, "module '%s' not found in the script's folder or --lib-path folders", name);
}

void tfs_install_require(lua_State *L, const tfs_sandbox_options *o) {
    lua_createtable(L, o->search_dir_count, 0);
    int n = 0;
    for (int i = 0; i < o->search_dir_count; i++) {
        char resolved[PATH_MAX];
        if (realpath(o->search_dirs[i], resolved) == NULL) continue; // a folder that does not exist
        lua_pushstring(L, resolved);
        lua_rawseti(L, -2, ++n);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &require_dirs_key);
    lua_pushcfunction(L, sb_require);
    lua_setglobal(L, "require");
}
