-- Call-heavy Lua, for the cost of the sandbox's concat guard (docs/sandbox.md, "Lua 5.4.4 bugs a
-- script can reach"): tfscript runs with no hook until a script calls setmetatable with a
-- table, and with a call hook from then on. Three cases, each the median of 5 timed rounds
-- after a warm-up (os.clock), printed as `case median_ms X`:
--   fib      recursive fib(30), about 1.7 million Lua calls from a small function
--   methods  3 million method calls on an object (obj:add(i)) from a small function
--   long     1 million calls made from a function whose code is ~12,000 instructions long
--            (Lua names a caller's call by scanning that function's code, so this is the
--            worst case of the guard's lua_getinfo "n")
-- With the argument "mt" the script first calls setmetatable (and the object of `methods`
-- gets its methods through a metatable); without it no metatable is ever set.
-- Usage: lua5.4 calls.lua [mt] / tfscript run calls.lua [mt]
local with_metatable = (arg and arg[1]) == "mt"
if with_metatable then setmetatable({}, {}) end

local function median(f)
  local times = {}
  f()
  for round = 1, 5 do
    local start = os.clock()
    f()
    times[round] = os.clock() - start
  end
  table.sort(times)
  return times[3] * 1000
end

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local Counter = {}
Counter.__index = Counter
function Counter:add(i) self.n = self.n + i end
local counter = with_metatable and setmetatable({n = 0}, Counter) or {n = 0, add = Counter.add}
local function methods() for i = 1, 3000000 do counter:add(i) end end

local long = assert(load("local f = ... local x = 0 " .. string.rep("x = x + 1 ", 3000)
  .. "for i = 1, 1000000 do f(i) end return x"))
local function noop() end

print(string.format("fib median_ms %.1f", median(function() fib(30) end)))
print(string.format("methods median_ms %.1f", median(methods)))
print(string.format("long median_ms %.1f", median(function() long(noop) end)))
