-- Bug: Recursion in 'getobjname' can stack overflow (lua/lua 7923dbbf, lua.org bug list for 5.4.6,
-- present in 5.4.4). Naming the operand of a failing operation ("field 'b'") recurses once per
-- field access in a chain t.a.a.a...a.b, and each level rescans the function's code
-- (findsetreg), so the work is quadratic and all of it in C: no hook runs meanwhile.
-- The chain is a loop in the parser, so load accepts any length.
-- Stock Debian lua5.4: N = 70000 takes ~3.5 s of uninterruptible C; N = 100000 segfaults
-- (exit 139) on an 8 MiB C stack (tfscript's 64 MiB Lua thread needs ~8x more, after minutes).
-- Fixed Lua (5.4.7): returns at once with "attempt to perform arithmetic on a nil value (field 'b')".
-- The same recursion runs for "attempt to call a nil value (field ...)" and in lua_getinfo "n"
-- (luaL_traceback in the host's message handler).
-- Sandbox expectation: a clean error quickly (load refuses the chain or the limit ends the run).
local N = tonumber(arg and arg[1]) or 100000
local t = {}; t.a = t
local src = "local t = ...; return t" .. string.rep(".a", N) .. ".b + 1"
local f = assert(load(src))
print(pcall(f, t))
