-- Conformance fuzz: random patterns over random subjects with a fixed-seed generator of our own
-- (so stock Lua and the bounded harness see the same cases). Prints every result or error.
local seed = 12345
local function rnd(n)  -- 1..n, a 31-bit LCG
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local function pick(t) return t[rnd(#t)] end

local atoms = {"a", "b", "c", ".", "%a", "%d", "%s", "%w", "%W", "%p", "[ab]", "[^a]", "[a-c]",
  "[%d%s]", "[]a]", "%%", "%.", "x", " ", "1", "%b()", "%bab", "%f[%w]", "%f[%s]", "%1", "%2",
  "()", "$", "^", "-", "[", "%", ")", "(", "%z", "%x", "[%]]"}
local quants = {"", "", "", "*", "+", "-", "?"}
local function gen_pattern()
  local parts = {}
  if rnd(6) == 1 then parts[1] = "^" end
  local open = 0
  for _ = 1, rnd(6) do
    local r = rnd(10)
    if r == 1 and open < 3 then
      parts[#parts + 1] = "("; open = open + 1
    elseif r == 2 and open > 0 then
      parts[#parts + 1] = ")"; open = open - 1
    else
      parts[#parts + 1] = pick(atoms) .. pick(quants)
    end
  end
  if rnd(4) > 1 then parts[#parts + 1] = string.rep(")", open) end
  if rnd(8) == 1 then parts[#parts + 1] = "$" end
  return table.concat(parts)
end
local alphabet = {"a", "b", "c", "1", "2", " ", "(", ")", ".", "%", "x", "\0", "[", "]", "\200"}
local function gen_subject()
  local parts = {}
  for _ = 1, rnd(12) - 1 do parts[#parts + 1] = pick(alphabet) end
  return table.concat(parts)
end
local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end
local function line(...)
  local out = {}
  for i = 1, select("#", ...) do out[i] = show((select(i, ...))) end
  return table.concat(out, " ")
end
local reps = {"<%0>", "%1", "%2", "[%1|%2]", "%%", "x"}
local cases = 0
for i = 1, 4000 do
  local p, s = gen_pattern(), gen_subject()
  local init = rnd(5) == 1 and (rnd(15) - 8) or nil
  print(i, show(p), show(s), init)
  print(" find", line(pcall(string.find, s, p, init)))
  print(" match", line(pcall(string.match, s, p, init)))
  print(" gsub", line(pcall(string.gsub, s, p, pick(reps), rnd(4) == 1 and rnd(3) or nil)))
  print(" gsubf", line(pcall(string.gsub, s, p, function(...) return line(...) end)))
  print(" gmatch", line(pcall(function()
    local out = {}
    for a, b in string.gmatch(s, p, init) do
      out[#out + 1] = line(a, b)
      if #out > 30 then break end
    end
    return table.concat(out, ";")
  end)))
  cases = cases + 5
end
print("cases", cases)
