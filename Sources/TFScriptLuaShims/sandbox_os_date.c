// os.date for the sandbox: stock behaviour (Lua 5.4 manual §6.9), but a long format is one C
// loop of strftime calls that no hook can interrupt (a 40 MB format ran seconds past its
// deadline), so this version checks the limits every 4096 conversions. Written from the
// manual, not a wrapper around the stock function, so its errors name 'date' and the line.
#include "internal.h"
#include <string.h>
#include <time.h>

#define CHECK_EVERY 4096

/// The conversions C99 strftime accepts, each one or two characters (with E or O modifiers),
/// as stock Lua checks them (LUA_STRFTIMEOPTIONS).
static const char *const valid_conversions[] = {
    "a", "A", "b", "B", "c", "C", "d", "D", "e", "F", "g", "G", "h", "H", "I", "j", "m", "M", "n",
    "p", "r", "R", "S", "t", "T", "u", "U", "V", "w", "W", "x", "X", "y", "Y", "z", "Z", "%",
    "Ec", "EC", "Ex", "EX", "Ey", "EY",
    "Od", "Oe", "OH", "OI", "Om", "OM", "OS", "Ou", "OU", "OV", "Ow", "OW", "Oy", NULL,
};

/// The length (1 or 2) of the valid conversion at `s`, or raises like stock Lua.
static size_t conversion_length(lua_State *L, const char *s, size_t left) {
    for (int i = 0; valid_conversions[i]; i++) {
        size_t n = strlen(valid_conversions[i]);
        if (n <= left && memcmp(s, valid_conversions[i], n) == 0) return n;
    }
    return (size_t)luaL_argerror(L, 1, lua_pushfstring(L, "invalid conversion specifier '%%%s'", s));
}

static void set_field(lua_State *L, const char *key, int value, int delta) {
    lua_pushinteger(L, (lua_Integer)value + delta);
    lua_setfield(L, -2, key);
}

static void push_date_table(lua_State *L, const struct tm *stm) {
    lua_createtable(L, 0, 9);
    set_field(L, "year", stm->tm_year, 1900);
    set_field(L, "month", stm->tm_mon, 1);
    set_field(L, "day", stm->tm_mday, 0);
    set_field(L, "hour", stm->tm_hour, 0);
    set_field(L, "min", stm->tm_min, 0);
    set_field(L, "sec", stm->tm_sec, 0);
    set_field(L, "yday", stm->tm_yday, 1);
    set_field(L, "wday", stm->tm_wday, 1);
    if (stm->tm_isdst >= 0) {
        lua_pushboolean(L, stm->tm_isdst);
        lua_setfield(L, -2, "isdst");
    }
}

static int sb_date(lua_State *L) {
    size_t size;
    const char *s = luaL_optlstring(L, 1, "%c", &size);
    time_t t;
    if (lua_isnoneornil(L, 2)) {
        t = time(NULL);
    } else {
        lua_Integer given = luaL_checkinteger(L, 2);
        t = (time_t)given;
        luaL_argcheck(L, (lua_Integer)t == given, 2, "time out-of-bounds");
    }
    const char *end = s + size;
    struct tm storage, *stm;
    if (*s == '!') {
        stm = gmtime_r(&t, &storage);
        s++;
    } else {
        stm = localtime_r(&t, &storage);
    }
    if (stm == NULL)
        return luaL_error(L, "date result cannot be represented in this installation");
    if (strcmp(s, "*t") == 0) {
        push_date_table(L, stm);
        return 1;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int steps = 0;
    while (s < end) {
        if (*s != '%') {
            luaL_addchar(&b, *s++);
            continue;
        }
        s++;
        size_t n = conversion_length(L, s, (size_t)(end - s));
        char spec[4] = {'%', 0, 0, 0};
        memcpy(spec + 1, s, n);
        s += n;
        char *room = luaL_prepbuffsize(&b, 250);
        luaL_addsize(&b, strftime(room, 250, spec, stm));
        if (++steps == CHECK_EVERY) {
            steps = 0;
            tfs_check_limits_or_raise(L);
        }
    }
    luaL_pushresult(&b);
    return 1;
}

void tfs_push_date(lua_State *L) { lua_pushcfunction(L, sb_date); }
