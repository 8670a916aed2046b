-- Conformance fuzz: random table.insert/remove/move/concat/unpack calls (fixed-seed generator of
-- our own) on plain tables and on logging proxies; prints every result, error and access log.
local seed = 4242
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then return "table" end
  return tostring(v)
end
local function line(...)
  local out = {}
  for i = 1, select("#", ...) do out[i] = show((select(i, ...))) end
  return table.concat(out, " ")
end
local function arg()
  local r = rnd(12)
  if r == 1 then return nil elseif r == 2 then return "x" elseif r == 3 then return 1.5
  elseif r == 4 then return math.maxinteger elseif r == 5 then return math.mininteger end
  return rnd(9) - 3
end
local function small()  -- ranges stock would walk for 2^63 steps are in attacks/, not here
  local r = rnd(10)
  if r == 1 then return nil elseif r == 2 then return "x" elseif r == 3 then return 1.5 end
  return rnd(9) - 3
end
local log
local function new_target()
  local store = {}
  for i = 1, rnd(7) - 1 do store[i] = rnd(3) == 1 and i or ("s" .. i) end
  if rnd(3) == 1 then return store, store end
  local n = #store
  local proxy = setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "r" .. show(k); return store[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "w" .. show(k); store[k] = v end,
    __len = function() log[#log + 1] = "#"; return n end,
  })
  return proxy, store
end
local ops = {
  function(t) return table.insert(t, arg()) end,
  function(t) return table.insert(t, arg(), arg()) end,
  function(t) return table.remove(t) end,
  function(t) return table.remove(t, arg()) end,
  function(t) return table.move(t, small(), small(), arg()) end,
  function(t) return table.move(t, small(), small(), arg(), {}) end,
  function(t) return table.concat(t, ({"", ",", nil})[rnd(3)], small(), small()) end,
  function(t) return table.concat(t) end,
  function(t) return table.unpack(t, arg(), arg()) end,
  function(t) return table.unpack(t) end,
}
local cases = 0
for i = 1, 3000 do
  local t, store = new_target()
  log = {}
  local k = rnd(#ops)
  print(i, k, line(pcall(ops[k], t)))
  print("", table.concat(log, " "), line(table.unpack(store, 1, 8)))
  cases = cases + 1
end
print("cases", cases)
