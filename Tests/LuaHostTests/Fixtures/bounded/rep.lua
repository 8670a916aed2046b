-- Conformance: string.rep against stock Lua 5.4 (results as length + checksum, errors as text).
local function digest(s)
  if type(s) ~= "string" then return tostring(s) end
  local h = 0
  for i = 1, #s, math.max(1, #s // 997) do h = (h * 31 + s:byte(i)) % 1000000007 end
  return #s .. ":" .. h .. ":" .. string.format("%q", s:sub(1, 12)) .. string.format("%q", s:sub(-12))
end
local count = 0
local function try(label, ...)
  count = count + 1
  local r = table.pack(pcall(string.rep, ...))
  local out = {}
  for i = 2, r.n do out[#out + 1] = digest(r[i]) end
  print(count, label, r[1], table.concat(out, " "))
end
local pieces = {"", "a", "ab", "xyz", "\0", "long piece of text "}
local seps = {nil, "", ",", "--", "\0"}
local counts = {-5, -1, 0, 1, 2, 3, 7, 100, 1000, 4097, 100000}
for _, p in ipairs(pieces) do
  for si = 1, 5 do
    for _, n in ipairs(counts) do
      try("rep " .. string.format("%q", p) .. " " .. tostring(seps[si]) .. " " .. n, p, n, seps[si])
    end
  end
end
for _, n in ipairs({math.maxinteger, math.mininteger, 2^31, 2^53}) do  -- huge empty reps: see attacks/
  try("sep only " .. n, "", n, ",")
  try("piece only " .. n, "a", n, "")
  try("both " .. n, "ab", n, "cd")
end
try("float count", "a", 2.0)
try("bad float count", "a", 2.5)
try("string count", "a", "3")
try("bad count", "a", "x")
try("no count", "a")
try("bad piece", {}, 2)
try("bad sep", "a", 2, {})
try("number piece", 12, 3, 0)
try("huge", "x", 2^31)
try("huge sep", "x", 2^30, "y")
try("max", "abc", math.maxinteger // 2)
print("method", ("ab"):rep(3, "|"))
print("cases", count)
