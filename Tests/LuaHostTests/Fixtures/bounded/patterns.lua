-- Conformance: string.find / match / gmatch / gsub against stock Lua 5.4.
-- Every result (or error message) is printed; the output must equal stock lua5.4's.
local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
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

-- Every byte against every class (and complement), inside and outside sets.
local classes = {"a", "c", "d", "g", "l", "p", "s", "u", "w", "x"}
for _, c in ipairs(classes) do
  for _, cls in ipairs({"%" .. c, "%" .. c:upper(), "[%" .. c .. "]", "[^%" .. c .. "]"}) do
    local hits = {}
    for b = 0, 255 do
      if string.find(string.char(b), "^" .. cls .. "$") then hits[#hits + 1] = b end
    end
    print("class", cls, #hits, table.concat(hits, ","))
  end
end
local line = {} -- (no io: the corpus also runs in the tfscript sandbox)
for b = 0, 255 do  -- '.' and escaped punctuation
  local ch = string.char(b)
  local r1 = string.find(ch, ".") and 1 or 0
  local r2 = (b < 128 and not ch:find("%w")) and (pcall(string.find, ch, "%" .. ch) and 1 or 0) or 2
  line[#line + 1] = r1 .. r2 .. " "
end
print(table.concat(line))

local subjects = {
  "", "a", "abc", "hello world", "  padded  ", "aaa", "abab", "x=1, y=22, z=333",
  "(foo(bar))baz", "[x]", "THE (quick) fox", "a.b.c", "tab\there", "nul\0byte\0",
  "caf\195\169", "key = value", "12ab34cd", "---", "%%", "$^", "a+b-c*d?e",
}
local pats = {
  "", "a", ".", "..", "a*", "a+", "a-", "a?", "^a", "a$", "^$", "^", "$", "%a+", "%d+", "%s*",
  "%w+", "[%w_]+", "[^%s]+", "[a-c]+", "[a-]", "[-a]", "[]]", "[^]]", "[%]]", "[a%-z]",
  "(a)", "(a*)", "()", "()a()", "(a)(b)", "((a)(b))", "(%w+)=(%w+)", "(%d+)", "%((%w+)%)",
  "%b()", "%b[]", "%bxy", "%f[%w]%w+", "%f[%W]", "%f[%a]", "%f[^%z]", "(a)%1", "(%w)%1",
  "(.)(.)%2%1", "x*$", ".-", ".-b", "a.-c", "^(.-)%s*$", "^%s*(.-)%s*$", "[%a%d]+", "%.", "%%",
  "%$", "%^", "a%-", "[%^]", "[$]", "^^", "$$", "a$b", "%z", "[%z]", "\0", "%c", "[\0-\31]",
  "%u%l+", "%x+", "[%x%-]+", "%p+", "[%p%s]", "(h)(e)(l)(l)(o)", "(()())", "%a*()", "[a-]+",
  "[^a-c]+", "[a-a]", "[z-a]", "[\128-\255]+", "%g+", ".+$", "(.-)$", "(a?)(a*)", "a-$",
  "[a-z]-b", "o.*o", "o.-o", "([^,]+)", ",%s*", "=(%d)", "[%d,%s]+",
}
for si, s in ipairs(subjects) do
  for _, p in ipairs(pats) do
    local l = "s" .. si .. " " .. show(p)
    try("find " .. l, string.find, s, p)
    try("match " .. l, string.match, s, p)
    try("gsub " .. l, string.gsub, s, p, "<%0>")
    local ok, list = pcall(function()
      local out = {}
      for a, b in string.gmatch(s, p) do
        out[#out + 1] = show(a) .. "/" .. show(b)
        if #out > 50 then break end
      end
      return table.concat(out, " ")
    end)
    report("gmatch " .. l, ok, list)
  end
end

-- init and plain arguments
local s = "abcabc"
for _, init in ipairs({-100, -7, -6, -1, 0, 1, 2, 3, 6, 7, 8, 100, math.mininteger, math.maxinteger}) do
  try("find init " .. init, string.find, s, "b", init)
  try("find init plain " .. init, string.find, s, "b", init, true)
  try("find empty init " .. init, string.find, s, "", init)
  try("find empty plain init " .. init, string.find, s, "", init, true)
  try("match init " .. init, string.match, s, "(c)", init)
  try("match anchored init " .. init, string.match, s, "^(.)", init)
  try("gmatch init " .. init, function()
    local out = {}
    for w in string.gmatch(s, ".", init) do out[#out + 1] = w end
    return table.concat(out)
  end)
end
for _, p in ipairs({"a.c", "%d", "(", "[", "a+", ".", "^a", "b$", "%", ""}) do
  try("plain " .. p, string.find, "xa.c%d([a+^ab$%", p, 1, true)
  try("plain nil " .. p, string.find, "xa.c%d([a+^ab$%", p, 1, nil)
  try("plain false " .. p, string.find, "xa.c%d([a+^ab$%", p, 1, false)
  try("plain 0 " .. p, string.find, "xa.c%d([a+^ab$%", p, 1, 0)
end
try("find long plain", string.find, string.rep("ab", 1000) .. "abc", "abc", 1, true)
try("find long plain window", string.find, string.rep("x", 3000000) .. "needle", "needle")
try("find long plain miss", string.find, string.rep("x", 3000000), "xxy")
try("find long needle", string.find, string.rep("ab", 700000) .. "c", string.rep("ab", 600000) .. "c")

-- errors and their messages
local bad = {"%", "[a", "[^", "[", "[%", "%f", "%fa", "%f[a", "(a)%2", "%0", "%1", "a)", ")", "(a",
  "((a)", "%b", "%ba", "(()", "[]", "[^]", "x[", "(%1)", "(a)(%2)"}
for _, p in ipairs(bad) do
  for _, subj in ipairs({"", "a", "abc", "xyz"}) do
    try("bad find " .. show(p) .. " " .. show(subj), string.find, subj, p)
    try("bad match " .. show(p) .. " " .. show(subj), string.match, subj, p)
    try("bad gsub " .. show(p) .. " " .. show(subj), string.gsub, subj, p, "-")
    try("bad gmatch " .. show(p) .. " " .. show(subj), function()
      local n = 0
      for _ in string.gmatch(subj, p) do n = n + 1 end
      return n
    end)
  end
end
try("too complex", string.find, string.rep("a", 300), string.rep("a?", 300))
try("not too complex", string.find, string.rep("a", 150), string.rep("a?", 150))
try("depth 199", string.match, string.rep("a", 199), string.rep("(", 0) .. string.rep("a?", 198))
for n = 196, 202 do try("depth " .. n, string.find, string.rep("a", n), string.rep("a?", n)) end
try("32 captures", string.match, string.rep("a", 40), string.rep("(a)", 32))
try("33 captures", string.match, string.rep("a", 40), string.rep("(a)", 33))
try("32 positions", function() return select("#", string.find("abc", string.rep("()", 32))) end)
try("nested deep", string.match, "x", string.rep("(", 20) .. "x" .. string.rep(")", 20))
try("arg1", string.find, nil, "a")
try("arg2", string.find, "a", {})
try("arg3", string.find, "a", "a", "x")
try("arg3 float", string.find, "a", "a", 1.5)
try("match arg", string.match, "a")
try("gmatch arg", string.gmatch, "a", nil)
try("gmatch arg3", string.gmatch, "a", "a", {})
try("method", function() return ("x"):find({}) end)
try("local name", function() local f = string.match; return f(1, {}) end)
try("number subject", string.find, 12345, 3)
try("number match", string.match, 3.5, "%d")
try("gsub number repl", string.gsub, "abc", "b", 42)
try("gsub float repl", string.gsub, "abc", "b", 1.5)

-- gsub replacement kinds and counts
local g = "hello world from lua"
local reps = {
  "%0%0", "[%1]", "%%", "%1-%2", "%2", "%9", "%", "x%", "%a", "%%%1", "", "no escapes",
}
for _, r in ipairs(reps) do
  for _, p in ipairs({"%w+", "(%w+)", "(%w+) (%w+)", "()o", "o()", "", "x*", "^h", "a$", "(o)(r?)"}) do
    try("gsub rep " .. show(p) .. " " .. show(r), string.gsub, g, p, r)
  end
end
local t = {hello = "HI", world = false, from = 1, lua = 2.5}
try("gsub table", string.gsub, g, "%w+", t)
try("gsub table cap", string.gsub, g, "(%w)(%w*)", {h = "H", w = "W"})
try("gsub table bad", string.gsub, g, "%w+", {hello = {}})
try("gsub table bool", string.gsub, g, "%w+", {hello = true})
try("gsub table pos", string.gsub, g, "()o", {[5] = "@"})
try("gsub func", string.gsub, g, "%w+", string.upper)
try("gsub func caps", string.gsub, g, "(%w)(%w*)", function(a, b) return b .. a end)
try("gsub func nil", string.gsub, g, "%w+", function() end)
try("gsub func false", string.gsub, g, "%w+", function() return false end)
try("gsub func number", string.gsub, g, "%w+", function(w) return #w end)
try("gsub func bad", string.gsub, g, "%w+", function() return {} end)
try("gsub func pos", string.gsub, g, "()(o)()", function(a, b, c) return a .. b .. c end)
try("gsub func error", string.gsub, g, "%w+", function() error("boom") end)
try("gsub func error table", function() local ok, e = pcall(string.gsub, g, "%w+", function() error({}) end); return ok, type(e) end)
try("gsub bad repl", string.gsub, g, "%w+", true)
try("gsub no repl", string.gsub, g, "%w+")
for _, n in ipairs({-1, 0, 1, 2, 3, 4, 100, math.maxinteger, math.mininteger}) do
  try("gsub max " .. n, string.gsub, g, "%w+", "X", n)
  try("gsub empty max " .. n, string.gsub, "abc", "", "-", n)
end
try("gsub max str", string.gsub, g, "%w+", "X", "2")
try("gsub max bad", string.gsub, g, "%w+", "X", "two")
try("gsub max float", string.gsub, g, "%w+", "X", 1.5)
try("gsub anchored", string.gsub, "aaa", "^a", "b")
try("gsub anchored empty", string.gsub, "aaa", "^", "b")
try("gsub empty matches", string.gsub, "abc", "x*", "-")
try("gsub empty after match", string.gsub, "abc", "%w*", "-")
try("gsub unfinished", string.gsub, "abc", "(b", "%1")
try("gsub unfinished func", string.gsub, "abc", "(b", print)
try("gsub nul", string.gsub, "a\0b\0c", "%z", "0")
try("gsub nul repl", string.gsub, "abc", "b", "\0%0\0")
try("gmatch empty", function()
  local out = {}
  for a in string.gmatch("abc", "x*") do out[#out + 1] = "[" .. a .. "]" end
  return table.concat(out)
end)
try("gmatch anchor literal", function()
  local out = {}
  for a in string.gmatch("^a^b", "^.") do out[#out + 1] = a end
  return table.concat(out, ",")
end)
try("gmatch after end", function()
  local it = string.gmatch("ab", ".")
  return it(), it(), it(), it()
end)
try("gmatch positions", function()
  local out = {}
  for p, w in string.gmatch("one two  three", "()(%a+)") do out[#out + 1] = p .. ":" .. w end
  return table.concat(out, " ")
end)
try("gmatch coroutine", function()
  local it = string.gmatch("a1b2c3", "%a(%d)")
  local co = coroutine.wrap(function() return it() .. it() end)
  return co(), it()
end)
-- Errors inside a gmatch iterator leave the nesting budget where the error happened (stock
-- does not reset it between calls), so after ~100 failed calls it reports "pattern too complex".
try("gmatch depth after errors", function()
  local it = string.gmatch("aaaa", "(a)((a)%4)")
  local res = {}
  for _ = 1, 120 do
    local ok, e = pcall(it)
    res[#res + 1] = ok and "ok" or (e:match("complex") and "C" or "I")
  end
  return table.concat(res)
end)
print("cases", count)
