-- Generates a chunk of one parser-bomb shape at size N (Benchmarks/bench.py, P6): each shape
-- is a super-linear path of Lua 5.4.4's parser that the sandbox's source budget bounds
-- (Sources/TFScriptLuaShims/source_budget.c). Usage: lua5.4 bombs.lua KIND N > chunk.lua
local kind, n = arg[1], math.tointeger(tonumber(arg[2]))
local p = {}
local function add(s) p[#p + 1] = s end
if kind == "elseif" then -- the if's escape list is walked at each branch
  add("local x if x == 0 then x = 1 ") for i = 1, n do add("elseif x == " .. i .. " then x = 2 ") end add("end")
elseif kind == "or" then -- the expression's jump list is walked at each operator
  add("local a return a") add(string.rep(" or a", n))
elseif kind == "labels" then -- labels, then backward gotos to the last one: each scans all labels
  for i = 1, n do add("::l" .. i .. ":: x = 1 ") end add(string.rep("goto l" .. n .. " ", n))
elseif kind == "gotos" then -- pending gotos to one label: each resolution shifts the rest
  add(string.rep("goto c ", n)) add("::c::")
elseif kind == "nested-gotos" then -- pending gotos leaving 150 blocks behind 199 <const> locals
  for i = 1, 199 do add("local c" .. i .. " <const> = 1 ") end
  add(string.rep("do ", 150)) add(string.rep("goto z ", n)) add(string.rep("end ", 150)) add("::z::")
elseif kind == "names" then -- one name searched through 190 nested functions of 190 locals
  for i = 1, 190 do add("local function f" .. i .. "() local a1") for j = 2, 190 do add(", a" .. j) end add(" ") end
  add(string.rep("g = g ", n)) add(string.rep("end ", 190))
elseif kind == "floats" then -- float constants with one unseeded hash
  add("return {") for k = 1, n do add(string.format("%.17g,", 0.5 + k * 2.0^-50)) end add("}")
elseif kind == "folded" then -- the same floats made by constant folding from small integers
  add("return {") for k = 1, n do add("(" .. k % 9999 .. " + " .. k // 9999 .. " * 9999 + 2^52) / 2^53,") end add("}")
elseif kind == "strings" then -- the linear worst per byte: distinct string constants
  add("return {") for k = 1, n do add('"s' .. k .. '",') end add("}")
else
  error("unknown kind " .. tostring(kind))
end
io.write(table.concat(p))
