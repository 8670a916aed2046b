-- Bug: 'luaV_concat' can use invalidated pointer to stack (lua/lua 603b2c64).
-- Debian-specific: Debian 5.4.4-3+deb12u1 carries the CVE-2022-33099 patch (lua/lua 42d40581),
-- which introduced this bug upstream, but not its follow-up fix 603b2c64.
-- A __concat metamethod that makes the Lua stack move (grow, or shrink in a GC) leaves
-- luaV_concat writing through a pointer into the freed old stack: heap use-after-free.
-- Stock Debian lua5.4: silently wrong results (prints "a 13" here; the loop body's results
-- vanish), AddressSanitizer build of the same sources: heap-use-after-free in luaV_concat.
-- Fixed Lua (5.4.5+): prints "ax 20".
-- Sandbox expectation: either "ax 20" or a clean error refusing __concat; never anything else.
-- tfscript: the concat guard refuses the metamethod call before it runs ("script.lua:LINE: __concat
-- metamethods are not supported in the tfscript sandbox ..."), so the script ends with that
-- error (exit 1). Run by ConcatGuardTests, with the variants an attacker would try.
local function grow(n) if n > 0 then return 1 + grow(n - 1) end return 0 end
local mt = {__concat = function(a, b) grow(2000); return "x" end}
local t = setmetatable({}, mt)
local results = {}
for i = 1, 20 do
  local co = coroutine.wrap(function() return "a" .. "b" .. t end)
  results[#results + 1] = co()
end
print(results[1], #results)
