-- Conformance: table.concat / insert / remove / move / unpack against stock Lua 5.4, on plain
-- tables and on proxies whose __index / __newindex / __len are Lua or C functions.
local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then return "table" end
  return tostring(v)
end
local count = 0
local function report(label, ok, ...)
  count = count + 1
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = show((select(i, ...))) end
  print(count, label, ok and "ok" or "err", table.concat(parts, " "))
end
local function try(label, f, ...) report(label, pcall(f, ...)) end
local function dump(t, n)
  local out = {}
  for i = 0, n or 8 do out[#out + 1] = show(rawget(t, i)) end
  return table.concat(out, ",")
end

-- proxies: reads and writes go through a log, so the order of accesses is compared too
local function proxy(n, log)
  local store = {}
  for i = 1, n do store[i] = "v" .. i end
  return setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "r" .. tostring(k); return store[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "w" .. tostring(k) .. "=" .. show(v); store[k] = v end,
    __len = function() return n end,
  }), store
end

-- concat
local words = {"a", "b", "c", 1, 2.5, "d"}
for _, sep in ipairs({"", ",", ", ", "\0"}) do
  for i = -1, 8 do
    for j = -1, 8 do
      try("concat " .. show(sep) .. " " .. i .. " " .. j, table.concat, words, sep, i, j)
    end
  end
end
try("concat default", table.concat, words)
try("concat bad value", table.concat, {1, {}, 3})
try("concat bad bool", table.concat, {1, 2, true}, ",")
try("concat nil hole", table.concat, {1, nil, 3}, ",", 1, 3)
try("concat bad sep", table.concat, words, {})
try("concat bad i", table.concat, words, ",", "x")
try("concat bad j", table.concat, words, ",", 1, {})
try("concat not table", table.concat, "abc")
try("concat nil", table.concat)
try("concat huge index", table.concat, {}, ",", math.maxinteger, math.maxinteger)
try("concat minint", table.concat, {}, ",", math.mininteger, math.mininteger)
try("concat maxint bad", table.concat, {}, ",", math.maxinteger - 1, math.maxinteger)
do
  local log = {}
  local p = proxy(5, log)
  try("concat proxy", table.concat, p, "-")
  print("log", table.concat(log, " "))
end
try("concat C __index", table.concat, setmetatable({}, {__index = function(_, k) return k * 2 end}), ",", 1, 10)
try("concat string meta", table.concat, setmetatable({}, {__index = string.rep, __len = function() return 3 end}), "|")
try("concat userdata-like", table.concat, setmetatable({}, {__len = function() return 2 end}))
try("concat len float", table.concat, setmetatable({"a", "b"}, {__len = function() return 2.0 end}))
try("concat len bad", table.concat, setmetatable({"a", "b"}, {__len = function() return 2.5 end}))
try("concat len str", table.concat, setmetatable({"a", "b"}, {__len = function() return "x" end}))

-- insert
for _, pos in ipairs({-1, 0, 1, 2, 3, 4, 5, 6, math.maxinteger, math.mininteger}) do
  local t = {"a", "b", "c", "d"}
  report("insert " .. pos, pcall(table.insert, t, pos, "X"))
  print("", dump(t))
end
do
  local t = {}
  for i = 1, 10 do table.insert(t, i) end
  table.insert(t, 1, 0)
  table.insert(t, #t + 1, 11)
  print("insert seq", dump(t, 12))
end
try("insert none", table.insert)
try("insert 1 arg", table.insert, {})
try("insert 4 args", table.insert, {}, 1, 2, 3)
try("insert nil value", table.insert, {}, nil)
try("insert bad pos", table.insert, {}, "x", 1)
try("insert float pos", table.insert, {}, 1.5, 1)
try("insert str pos", table.insert, {1}, "1", 0)
try("insert not table", table.insert, "s", 1)
try("insert read-only", table.insert, setmetatable({}, {__index = {}}), 1)
try("insert meta no newindex", table.insert, setmetatable({}, {__len = function() return 0 end}), 1)
try("insert maxint len at end", table.insert, setmetatable({}, {__len = function() return math.maxinteger end, __newindex = function(t, k, v) rawset(t, "k", k) end, __index = {}}), "x")
do
  local log = {}
  local p, store = proxy(4, log)
  try("insert proxy mid", table.insert, p, 2, "new")
  print("log", table.concat(log, " "), dump(store))
  log = {}
  try("insert proxy end", table.insert, p, "tail")
  print("log", table.concat(log, " "), dump(store))
end

-- remove
for _, pos in ipairs({-1, 0, 1, 2, 3, 4, 5, 6, math.maxinteger, math.mininteger}) do
  local t = {"a", "b", "c", "d"}
  report("remove " .. pos, pcall(table.remove, t, pos))
  print("", dump(t))
end
for n = 0, 3 do
  for _, pos in ipairs({0, 1, n, n + 1, n + 2}) do
    local t = {}
    for i = 1, n do t[i] = i end
    report("remove n" .. n .. " " .. pos, pcall(table.remove, t, pos))
    print("", dump(t))
  end
end
try("remove empty", table.remove, {})
try("remove default", table.remove, {1, 2, 3})
try("remove none", table.remove)
try("remove bad pos", table.remove, {1}, "x")
try("remove len 0 pos 0", table.remove, {[0] = "zero"}, 0)
do
  local log = {}
  local p, store = proxy(4, log)
  try("remove proxy", table.remove, p, 2)
  print("log", table.concat(log, " "), dump(store))
end

-- move
local function mk() return {"a", "b", "c", "d", "e"} end
for _, f in ipairs({-1, 0, 1, 2, 5}) do
  for _, e in ipairs({0, 1, 3, 5}) do
    for _, t in ipairs({-1, 0, 1, 2, 3, 4, 6}) do
      local a = mk()
      report("move " .. f .. " " .. e .. " " .. t, pcall(table.move, a, f, e, t))
      print("", dump(a))
      local b = {}
      report("move2 " .. f .. " " .. e .. " " .. t, pcall(table.move, a, f, e, t, b))
      print("", dump(b))
    end
  end
end
try("move too many", table.move, {}, -1, math.maxinteger, 1)
try("move too many 2", table.move, {}, math.mininteger, 0, 1)
try("move wrap", table.move, {}, 1, 10, math.maxinteger)
try("move wrap 2", table.move, {}, 1, 2, math.maxinteger)
try("move ok edge", table.move, {}, 1, 1, math.maxinteger)
try("move empty", table.move, {}, 5, 1, 1)
try("move bad f", table.move, {}, "x", 1, 1)
try("move bad e", table.move, {}, 1, nil, 1)
try("move bad t", table.move, {}, 1, 1)
try("move bad dest", table.move, {}, 1, 1, 1, "x")
try("move src not table", table.move, 1, 1, 1, 1)
try("move dest meta", table.move, {1, 2}, 1, 2, 1, setmetatable({}, {__newindex = function() end}))
try("move dest meta bad", table.move, {1, 2}, 1, 2, 1, setmetatable({}, {__index = {}}))
do
  local log = {}
  local p, store = proxy(5, log)
  try("move proxy overlap up", table.move, p, 1, 3, 2)
  print("log", table.concat(log, " "), dump(store))
  log = {}
  try("move proxy overlap down", table.move, p, 2, 4, 1)
  print("log", table.concat(log, " "), dump(store))
  log = {}
  local q = proxy(5, log)
  try("move proxy to proxy", table.move, p, 1, 3, 2, q)
  print("log", table.concat(log, " "))
end
try("move same dest", function() local a = mk(); table.move(a, 1, 3, 2, a); return dump(a) end)
try("move eq dest", function()
  local mt = {__eq = function() return true end}
  local a, b = setmetatable(mk(), mt), setmetatable({}, mt)
  table.move(a, 1, 3, 2, b)
  return dump(a) .. " / " .. dump(b)
end)

-- unpack
for _, i in ipairs({-1, 0, 1, 2, 5, 6}) do
  for _, j in ipairs({-1, 0, 1, 3, 5, 6}) do
    try("unpack " .. i .. " " .. j, table.unpack, mk(), i, j)
  end
end
try("unpack default", table.unpack, mk())
try("unpack i only", table.unpack, mk(), 3)
try("unpack nil j", table.unpack, mk(), 2, nil)
try("unpack too many", table.unpack, {}, 1, 1e7)
try("unpack too many 2", table.unpack, {}, math.mininteger, math.maxinteger)
try("unpack max", table.unpack, {}, math.maxinteger, math.maxinteger)
try("unpack min", table.unpack, {}, math.mininteger, math.mininteger)
try("unpack count", function() return select("#", table.unpack({}, 1, 9999)) end)
try("unpack bad i", table.unpack, {}, "x")
try("unpack bad j", table.unpack, {}, 1, "x")
try("unpack string", table.unpack, "abc")
try("unpack string range", table.unpack, "abc", 1, 2)
try("unpack nil", table.unpack)
try("unpack number", table.unpack, 5, 1, 1)
try("unpack __index", table.unpack, setmetatable({}, {__index = function(_, k) return k * k end}), 1, 6)
try("unpack __len", table.unpack, setmetatable({}, {__len = function() return 3 end, __index = function(_, k) return -k end}))
try("unpack C __index", table.unpack, setmetatable({}, {__index = rawlen}), 1, 3)
try("pack", function() local t = table.pack(1, nil, 3); return t.n, t[1], t[2], t[3] end)
print("cases", count)
