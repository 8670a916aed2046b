// Bounded table.concat / insert / remove / move / sort / unpack. The ranges these walk can come
// from the script (table.move({}, 1, math.maxinteger - 1, 1, {})) or from metamethods that are C
// functions (__len returning math.maxinteger, __index = rawlen): no Lua code runs, so the count
// hook never fires. Every loop here spends a step per element and checks the limits every
// TFS_BOUNDED_STEPS steps. Semantics and messages follow Lua 5.4 (stock 5.4.4).
#include "bounded.h"

#include <limits.h>

#define NEED_READ 1
#define NEED_WRITE 2
#define NEED_LEN 4

// Counts one step; checks the limits when the budget runs out.
#define STEP(L, budget) do { if (--(budget) < 0) tfs_bounded_tick((L), &(budget)); } while (0)

// Is metatable field `key` present? The metatable is at -(pushed) after the push.
static int has_meta_field(lua_State *L, const char *key, int depth) {
    lua_pushstring(L, key);
    return lua_rawget(L, -depth) != LUA_TNIL;
}

// A table, or a value whose metatable has the metamethods the operation needs.
static void expect_table(lua_State *L, int arg, int need) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    int pushed = 1;
    if (lua_getmetatable(L, arg) &&
        (!(need & NEED_READ) || has_meta_field(L, "__index", ++pushed)) &&
        (!(need & NEED_WRITE) || has_meta_field(L, "__newindex", ++pushed)) &&
        (!(need & NEED_LEN) || has_meta_field(L, "__len", ++pushed))) {
        lua_pop(L, pushed);
        return;
    }
    luaL_checktype(L, arg, LUA_TTABLE);  // raises the stock "table expected" error
}

static lua_Integer length_of(lua_State *L, int arg, int need) {
    expect_table(L, arg, need | NEED_LEN);
    return luaL_len(L, arg);
}

int tfs_bounded_insert(lua_State *L) {
    long budget = TFS_BOUNDED_STEPS;
    lua_Integer size = length_of(L, 1, NEED_READ | NEED_WRITE);
    lua_Integer end = (lua_Integer)((lua_Unsigned)size + 1u);  // first free slot (wraps like stock)
    lua_Integer pos;
    switch (lua_gettop(L)) {
    case 2:
        pos = end;
        break;
    case 3:
        pos = luaL_checkinteger(L, 2);
        // pos must be in [1, end]
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)end, 2, "position out of bounds");
        for (lua_Integer i = end; i > pos; i--) {  // shift up
            STEP(L, budget);
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

int tfs_bounded_remove(lua_State *L) {
    long budget = TFS_BOUNDED_STEPS;
    lua_Integer size = length_of(L, 1, NEED_READ | NEED_WRITE);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    // An explicit position must be in [1, size + 1]. Stock 5.4.4 reports it against argument
    // #1 (not #2, as insert does); kept for identical messages.
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1, "position out of bounds");
    lua_geti(L, 1, pos);  // the result
    for (; pos < size; pos++) {  // shift down
        STEP(L, budget);
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

int tfs_bounded_move(lua_State *L) {
    long budget = TFS_BOUNDED_STEPS;
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int dest = lua_isnoneornil(L, 5) ? 1 : 5;
    expect_table(L, 1, NEED_READ);
    expect_table(L, dest, NEED_WRITE);
    if (e >= f) {
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        lua_Integer n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        // Copy forwards unless the ranges overlap with the destination after the source.
        if (t > e || t <= f || (dest != 1 && !lua_compare(L, 1, dest, LUA_OPEQ))) {
            for (lua_Integer i = 0; i < n; i++) {
                STEP(L, budget);
                lua_geti(L, 1, f + i);
                lua_seti(L, dest, t + i);
            }
        } else {
            for (lua_Integer i = n - 1; i >= 0; i--) {
                STEP(L, budget);
                lua_geti(L, 1, f + i);
                lua_seti(L, dest, t + i);
            }
        }
    }
    lua_pushvalue(L, dest);
    return 1;
}

static void concat_item(lua_State *L, luaL_Buffer *b, lua_Integer i) {
    lua_geti(L, 1, i);
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid value (%s) at index %I in table for 'concat'", luaL_typename(L, -1),
                   (LUAI_UACINT)i);
    luaL_addvalue(b);
}

int tfs_bounded_concat(lua_State *L) {
    long budget = TFS_BOUNDED_STEPS;
    lua_Integer last = length_of(L, 1, NEED_READ);
    size_t lsep;
    const char *sep = luaL_optlstring(L, 2, "", &lsep);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    last = luaL_optinteger(L, 4, last);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (; i < last; i++) {
        STEP(L, budget);
        concat_item(L, &b, i);
        luaL_addlstring(&b, sep, lsep);
    }
    if (i == last) concat_item(L, &b, i);  // the last one, unless the range was empty
    luaL_pushresult(&b);
    return 1;
}

int tfs_bounded_unpack(lua_State *L) {
    long budget = TFS_BOUNDED_STEPS;
    lua_Integer i = luaL_optinteger(L, 2, 1);
    lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
    if (i > e) return 0;
    lua_Unsigned n = (lua_Unsigned)e - (lua_Unsigned)i;  // count - 1, without overflow
    if (n >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++n)))
        return luaL_error(L, "too many results to unpack");
    for (; i < e; i++) {  // stop before e so i never overflows
        STEP(L, budget);
        lua_geti(L, 1, i);
    }
    lua_geti(L, 1, e);
    return (int)n;
}

// ---- sort: median-of-three quicksort (introsort: heapsort past 2*log2(n) levels) over
// t[lo..hi] through lua_geti/lua_seti ---------------------------------------------------------
// Not stock's exact algorithm: the order in which the comparator is called differs, so an
// inconsistent comparator may be reported ("invalid order function for sorting") in other cases
// than stock, and mixed-type errors may name the operands in the other order.

typedef struct {
    lua_State *L;
    long budget;
    int has_cmp;           // argument 2 is a function
    lua_Unsigned seed;     // pseudo-random pivots after an unbalanced partition
} sorter;

// Is the value at stack index a less than the one at b? Indexes are absolute.
static int before(sorter *s, int a, int b) {
    lua_State *L = s->L;
    STEP(L, s->budget);
    if (!s->has_cmp) return lua_compare(L, a, b, LUA_OPLT);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, a);
    lua_pushvalue(L, b);
    lua_call(L, 2, 1);
    int r = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return r;
}

// Writes the two values on top of the stack to t[i] (top) and t[j] (below it); pops both.
static void put2(lua_State *L, lua_Integer i, lua_Integer j) {
    lua_seti(L, 1, i);
    lua_seti(L, 1, j);
}

// Orders t[i] and t[j] (i < j).
static void order2(sorter *s, lua_Integer i, lua_Integer j) {
    lua_State *L = s->L;
    lua_geti(L, 1, i);
    lua_geti(L, 1, j);
    int top = lua_gettop(L);
    if (before(s, top, top - 1)) put2(L, i, j);  // t[j] < t[i]: swap
    else lua_pop(L, 2);
}

static void swap_at(lua_State *L, lua_Integer i, lua_Integer j) {
    lua_geti(L, 1, i);
    lua_geti(L, 1, j);
    put2(L, i, j);
}

// Heapsort fallback (introsort): when quicksort recurses too deep on an adversarial input, the
// range is finished in O(n log n) comparisons. It never reports an invalid order function.
// Sifts the value at offset `root` down the max-heap t[lo .. lo+last].
static void sift_down(sorter *s, lua_Integer lo, lua_Integer root, lua_Integer last) {
    lua_State *L = s->L;
    lua_geti(L, 1, lo + root);
    int v = lua_gettop(L);
    for (;;) {
        lua_Integer child = 2 * root + 1;
        if (child > last) break;
        lua_geti(L, 1, lo + child);
        if (child + 1 <= last) {
            lua_geti(L, 1, lo + child + 1);
            if (before(s, v + 1, v + 2)) {  // take the larger child
                child++;
                lua_remove(L, v + 1);
            } else {
                lua_pop(L, 1);
            }
        }
        if (!before(s, v, v + 1)) {  // the sifted value is not smaller: it stays here
            lua_pop(L, 1);
            break;
        }
        lua_seti(L, 1, lo + root);  // move the child up
        root = child;
    }
    lua_seti(L, 1, lo + root);
}

static void heap_sort(sorter *s, lua_Integer lo, lua_Integer hi) {
    lua_Integer last = hi - lo;
    for (lua_Integer k = (last - 1) / 2; k >= 0; k--) sift_down(s, lo, k, last);
    for (; last > 0; last--) {
        swap_at(s->L, lo, lo + last);
        sift_down(s, lo, 0, last - 1);
    }
}

static void sort_range(sorter *s, lua_Integer lo, lua_Integer hi, int depth) {
    lua_State *L = s->L;
    int unbalanced = 0;
    while (lo < hi) {
        if (depth-- <= 0) {
            heap_sort(s, lo, hi);
            return;
        }
        order2(s, lo, hi);
        if (hi - lo == 1) return;
        lua_Integer mid = lo + (hi - lo) / 2;
        if (unbalanced && hi - lo >= 64) {
            // Inputs like an organ pipe defeat the middle element; take one from the middle half
            // at a pseudo-random place instead (deterministic: the heapsort fallback bounds the
            // worst case anyway).
            s->seed = s->seed * 6364136223846793005u + 1442695040888963407u;
            mid = lo + (hi - lo) / 4 + (lua_Integer)((s->seed >> 33) % (lua_Unsigned)((hi - lo) / 2));
        }
        order2(s, lo, mid);
        order2(s, mid, hi);
        if (hi - lo == 2) return;
        // t[lo] <= t[mid] <= t[hi]: the pivot goes to hi-1; t[lo] and t[hi] act as sentinels,
        // so a scan can only leave the range if the order function is inconsistent.
        lua_geti(L, 1, mid);
        int pivot = lua_gettop(L);
        swap_at(L, mid, hi - 1);
        lua_Integer i = lo, j = hi - 1;
        for (;;) {
            for (;;) {
                lua_geti(L, 1, ++i);
                if (!before(s, pivot + 1, pivot)) break;
                if (i >= hi - 1) luaL_error(L, "invalid order function for sorting");
                lua_pop(L, 1);
            }
            for (;;) {
                lua_geti(L, 1, --j);
                if (!before(s, pivot, pivot + 2)) break;
                if (j <= lo) luaL_error(L, "invalid order function for sorting");
                lua_pop(L, 1);
            }
            if (j < i) {  // crossed: t[i] >= pivot belongs at hi-1's place
                lua_pop(L, 2);
                break;
            }
            lua_seti(L, 1, i);  // t[i] = old t[j]
            lua_seti(L, 1, j);  // t[j] = old t[i]
        }
        swap_at(L, i, hi - 1);
        lua_pop(L, 1);  // pivot
        // Recurse into the smaller side, loop on the larger: C depth stays O(log n).
        unbalanced = (i - lo < (hi - lo) / 8) || (hi - i < (hi - lo) / 8);
        if (i - lo < hi - i) {
            sort_range(s, lo, i - 1, depth);
            lo = i + 1;
        } else {
            sort_range(s, i + 1, hi, depth);
            hi = i - 1;
        }
    }
}

int tfs_bounded_sort(lua_State *L) {
    lua_Integer n = length_of(L, 1, NEED_READ | NEED_WRITE);
    if (n > 1) {
        luaL_argcheck(L, n < INT_MAX, 1, "array too big");
        if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
        lua_settop(L, 2);
        sorter s = {L, TFS_BOUNDED_STEPS, !lua_isnil(L, 2), (lua_Unsigned)n};
        int depth = 0;  // 2 * log2(n) levels of quicksort before falling back to heapsort
        for (lua_Integer k = n; k > 1; k >>= 1) depth += 2;
#ifdef TFS_SORT_TEST_HEAPSORT
        depth = 0;  // test hook: exercise the fallback on every input
#endif
        sort_range(&s, 1, n, depth);
    }
    return 0;
}
