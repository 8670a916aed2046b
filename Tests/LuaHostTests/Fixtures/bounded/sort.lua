-- Conformance: table.sort against stock Lua 5.4. Only what the manual fixes is compared: the
-- final order under a consistent comparator (for ties, only the compared keys), and the errors
-- that do not depend on the order in which elements are compared.
local seed = 777
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local count = 0
local function try(label, f, ...)
  count = count + 1
  local r = table.pack(pcall(f, ...))
  local out = {}
  for i = 2, r.n do out[#out + 1] = tostring(r[i]) end
  print(count, label, r[1], table.concat(out, " "))
end
local function keys(t, f)
  local out = {}
  for i = 1, #t do out[i] = tostring(f and f(t[i]) or t[i]) end
  return table.concat(out, ",")
end
local shapes = {
  function(n) local t = {} for i = 1, n do t[i] = rnd(1000) end return t end,
  function(n) local t = {} for i = 1, n do t[i] = i end return t end,
  function(n) local t = {} for i = 1, n do t[i] = n - i end return t end,
  function(n) local t = {} for i = 1, n do t[i] = rnd(3) end return t end,
  function(n) local t = {} for i = 1, n do t[i] = 7 end return t end,
  function(n) local t = {} for i = 1, n do t[i] = (i % 2 == 0) and i or n - i end return t end,
  function(n) local t = {} for i = 1, n do t[i] = rnd(100) / 7 - 5 end return t end,
  function(n) local t = {} for i = 1, n do t[i] = string.char(96 + rnd(26)) .. rnd(50) end return t end,
  function(n) local t = {} for i = 1, n do t[i] = (i <= n // 2) and i or n // 2 - i end return t end,
}
for si, shape in ipairs(shapes) do
  for _, n in ipairs({0, 1, 2, 3, 4, 5, 7, 10, 16, 33, 100, 257, 1000}) do
    local t = shape(n)
    try("sort shape" .. si .. " n" .. n, function() table.sort(t); return keys(t) end)
    local u = shape(n)
    try("sort desc shape" .. si .. " n" .. n, function()
      table.sort(u, function(a, b) return a > b end)
      return keys(u)
    end)
  end
end
do  -- records sorted by one key: ties may land in any order, so print the keys only
  local recs = {}
  for i = 1, 500 do recs[i] = {k = rnd(20), id = i} end
  try("sort records", function()
    table.sort(recs, function(a, b) return a.k < b.k end)
    return keys(recs, function(r) return r.k end)
  end)
  try("sort records total", function()
    table.sort(recs, function(a, b) if a.k ~= b.k then return a.k > b.k end return a.id < b.id end)
    return keys(recs, function(r) return r.k .. ":" .. r.id end)
  end)
end
do
  local big = {}
  for i = 1, 50000 do big[i] = rnd(1000000) end
  try("sort big", function()
    table.sort(big)
    for i = 2, #big do assert(big[i - 1] <= big[i]) end
    return big[1], big[25000], big[50000]
  end)
end
do  -- proxy table: the final content must be the same
  local store = {5, 3, 9, 1, 7, 2, 8}
  local p = setmetatable({}, {
    __index = function(_, k) return store[k] end,
    __newindex = function(_, k, v) store[k] = v end,
    __len = function() return #store end,
  })
  try("sort proxy", function() table.sort(p); return keys(store) end)
end
try("sort __lt", function()
  local mt = {__lt = function(a, b) return a.v < b.v end}
  local t = {}
  for i = 1, 50 do t[i] = setmetatable({v = rnd(100)}, mt) end
  table.sort(t)
  return keys(t, function(x) return x.v end)
end)
try("sort strings", function()
  local t = {"b", "a", "B", "", "ab", "a\0", "\255", "aa"}
  table.sort(t)
  return string.format("%q", table.concat(t, "|"))
end)
try("sort no args", table.sort)
try("sort not table", table.sort, "abc")
try("sort bad cmp", table.sort, {3, 2, 1}, 5)
try("sort bad cmp 1 elem", table.sort, {1}, 5)
try("sort nil cmp", function() local t = {3, 1, 2}; table.sort(t, nil); return keys(t) end)
try("sort tables", table.sort, {{}, {}, {}})
try("sort bools", table.sort, {true, false, true})
try("sort cmp error", table.sort, {3, 2, 1}, function() error("cmp failed") end)
try("sort cmp error obj", function()
  local ok, e = pcall(table.sort, {3, 2, 1}, function() error({code = 7}) end)
  return ok, e.code
end)
try("sort too big", table.sort, setmetatable({}, {__len = function() return math.maxinteger end}))
try("sort too big 2", table.sort, setmetatable({}, {__len = function() return 2147483647 end}))
try("sort len 1", table.sort, setmetatable({}, {__len = function() return 1 end}))
try("sort len bad", table.sort, setmetatable({}, {__len = function() return "x" end}))
try("sort meta no newindex", table.sort, setmetatable({}, {__len = function() return 2 end, __index = {}}) )
try("sort yields", function()
  local co = coroutine.wrap(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)
  return co()
end)
print("cases", count)
