-- Ordinary Lua whose output must be the same under `tfscript run` and stock `lua5.4`
-- (issue 9: "Lua that behaves like Lua"). No addresses, no timing, nothing the sandbox
-- removes on purpose (io, debug, package, string.dump, binary chunks, finalizers).

local function show(label, ...)
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  print(label, table.concat(parts, " | "))
end

-- 1. Library tables are plain tables: next, rawget, #, pairs, and a script may change them.
local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do if k ~= "dump" then keys[#keys + 1] = k end end -- string.dump: removed on purpose
  table.sort(keys)
  return table.concat(keys, ",")
end
show("next(math)", next(math) ~= nil)
show("rawget", rawget(string, "format") == string.format, rawget(table, "insert") == table.insert)
show("string keys", sorted_keys(string))
show("table keys", sorted_keys(table))
show("math keys", sorted_keys(math))
show("utf8 keys", sorted_keys(utf8))
show("coroutine keys", sorted_keys(coroutine))
local count = 0
for _ in next, math do count = count + 1 end
show("math size", count)
string.shout = function(s) return s:upper() .. "!" end
show("own string function", ("hey"):shout())
string.shout = nil
local saved_insert = table.insert
table.insert = function() error("replaced") end
show("replaced", pcall(table.insert, {}, 1))
table.insert = saved_insert
show("restored", #(function() local t = {} table.insert(t, 1) return t end)())
show("rawset on a library", pcall(rawset, math, "tau", 2 * math.pi), math.tau ~= nil)
math.tau = nil
show("setmetatable on a library", pcall(setmetatable, utf8, {__index = function(_, k) return k end}), utf8.nothing)
setmetatable(utf8, nil)

-- 2. Error messages name the function and the script line.
show("setmetatable(1)", pcall(function() setmetatable(1, {}) end))
show("setmetatable(t, 1)", pcall(function() setmetatable({}, 1) end))
show("protected", pcall(function() setmetatable(setmetatable({}, {__metatable = "locked"}), {}) end))
show("getmetatable", getmetatable(setmetatable({}, {__metatable = "locked"})))
show("pcall()", pcall(pcall))
show("xpcall no handler", pcall(xpcall, print))
show("load(nil)", pcall(load))
show("load(1)", load(1))
show("collectgarbage bad", pcall(collectgarbage, "nonsense"))
show("collectgarbage count type", type(collectgarbage("count")), math.type(collectgarbage("count")))
show("collectgarbage step type", type(collectgarbage("step")))
show("collectgarbage collect", collectgarbage("collect"), collectgarbage())
show("coroutine.resume(1)", pcall(function() coroutine.resume(1) end))
show("coroutine.wrap(1)", pcall(function() coroutine.wrap(1) end))
show("coroutine.close(1)", pcall(function() coroutine.close(1) end))
show("string.rep bad", pcall(function() string.rep() end))
show("error levels", pcall(function() error("level one") end), pcall(function() error("level two", 2) end))
show("error table", select(2, pcall(error, {code = 7})).code)
show("arith on nil field", pcall(function() local t = {} return t.x.y end))
show("call a nil global", pcall(function() return undefined_function() end))
show("tostring(nil)", tostring(nil), tostring(true), tostring(12), tostring(1.5))

-- 3. load: modes, chunk names, environments, readers.
show("load text", load("return 1 + 1")())
show("load mode b", load("return 1", "=c", "b"))
show("load mode t", load("return 1", "=c", "t")())
show("load mode bt", load("return 1", "=c", "bt")())
show("load syntax", load("return +", "=c"))
show("load name", select(2, load("error('x')", "=named"))); show("run named", pcall(load("error('x')", "=named")))
show("load default name", pcall(load("error('boom')")))
local env = {value = 42}
show("load env", load("return value", "=e", "t", env)())
show("load env nil", pcall(load("return print", "=e", "t", nil)))
local pieces = {"return ", "1 ", "+ 41"}
show("load reader", load(function() return table.remove(pieces, 1) end)())
-- (under pcall: at top level stock lua.c's message handler would add a traceback to reader errors)
show("load reader bad", pcall(load, function() return {} end))
local calls = 0
show("load reader empty piece ends", load(function() calls = calls + 1 if calls == 1 then return "return 7" end return "" end)())
show("load reader error", pcall(load, function() error("reader broke") end))

-- 4. require returns the standard libraries.
show("require string", require("string") == string, require("table") == table, require("math") == math)
show("require coroutine/utf8", require("coroutine") == coroutine, require("utf8") == utf8)
show("require _G", require("_G") == _G)

-- 5. Coroutines.
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
show("resume 1", coroutine.resume(co, 1, 2))
show("resume 2", coroutine.resume(co, 10))
show("resume 3", coroutine.resume(co, 3, 4))
show("resume dead", coroutine.resume(co))
show("status dead", coroutine.status(co))
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
show("wrap", gen(), gen(), gen())
show("wrap error", pcall(coroutine.wrap(function() error("inside") end)))
show("wrap error table", select(2, pcall(coroutine.wrap(function() error({code = 3}) end))).code)
show("running main", select(2, coroutine.running()))
show("isyieldable main", coroutine.isyieldable())
show("isyieldable in co", coroutine.wrap(function() return coroutine.isyieldable() end)())
show("status running", coroutine.wrap(function() return coroutine.status((coroutine.running())) end)())
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() return coroutine.status(outer) end)
  return select(2, coroutine.resume(inner))
end)
show("status normal", coroutine.resume(outer))
local closed = {}
local tbc = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function(_, err) closed[#closed + 1] = tostring(err) end})
  coroutine.yield("suspended")
end)
show("tbc resume", coroutine.resume(tbc))
show("close suspended", coroutine.close(tbc), closed[1], coroutine.status(tbc))
local failing = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function() closed[#closed + 1] = "after error" end})
  error("failed")
end)
show("resume failing", coroutine.resume(failing))
show("close failed", coroutine.close(failing))
show("closed", table.concat(closed, ","))
show("close running", pcall(coroutine.close, coroutine.running()))
local wrapped_closed
local w = coroutine.wrap(function()
  local x <close> = setmetatable({}, {__close = function() wrapped_closed = true end})
  error("wrapped failure")
end)
show("wrap closes on error", pcall(w))
show("wrap closed", wrapped_closed)
show("yield across pcall", coroutine.wrap(function()
  local ok, v = pcall(coroutine.yield, "y")
  return ok, v
end)())
show("pcall in co", coroutine.wrap(function() return pcall(error, "e") end)())
show("xpcall handler", xpcall(function() error("x") end, function(m) return "handled: " .. m end))
show("xpcall args", xpcall(function(a, b) return a + b end, print, 2, 3))
show("<close> in pcall", pcall(function()
  local x <close> = setmetatable({}, {__close = function() closed[#closed + 1] = "pcall close" end})
  error("with close")
end), closed[#closed])

-- 6. Memory: garbage churn well past the live data (run with --memory-limit 16M in tfscript).
local keep
for i = 1, 200 do
  local garbage = {}
  for j = 1, 1000 do garbage[j] = {j, tostring(j)} end
  keep = string.rep("z", 100000) .. i
end
show("churn", #keep)
local big = {}
for i = 1, 100000 do big[i] = i end
show("big table", #big, big[100000])
big = nil
collectgarbage()
show("after collect", "ok")

-- 7. Misc standard behaviour.
show("string.format", string.format("%5.2f|%d|%s|%q", 3.14159, 42, "x", "a\nb"))
show("integer/float", 3 // 2, 3 / 2, 7 % 3, 2^10, math.type(1), math.type(1.0), math.tointeger(3.0))
show("string methods", ("abc"):upper(), ("  trim  "):match("^%s*(.-)%s*$"), ("a,b,c"):gsub(",", ";"))
show("utf8", utf8.char(72, 228, 8364), utf8.len("häé"), #utf8.char(8364))
show("table.unpack", table.unpack({1, 2, 3}))
show("table.move", table.concat(table.move({1, 2, 3}, 1, 3, 2), ","))
show("select", select("#", 1, nil, 3), select(-1, 1, 2, 3))
show("os.time", type(os.time()), os.time({year = 2020, month = 1, day = 1, hour = 12}) > 0)
show("os.date", os.date("!%Y-%m-%d", 0))
for _, f in ipairs({"!%c", "!%a %A %b %B %C %d %D %e %F %g %G %h %H %I %j %m %M %p %r %R %S %T %u %U %V %w %W %x %X %y %Y %%",
                    "!%Ec %EC %Ex %EX %Ey %EY %Od %Oe %OH %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy", "text", "", "!", "%Q", "%E", "abc%"}) do
  show("os.date " .. f, pcall(os.date, f, 946684800 + 12345))
end
local fields = {}
for k, v in pairs(os.date("!*t", 946684800)) do fields[#fields + 1] = k .. "=" .. tostring(v) end
table.sort(fields)
show("os.date *t", table.concat(fields, ","))
show("os.date bad time", pcall(os.date, "%Y", 1.5))
show("tonumber", tonumber("0x10"), tonumber("10", 2), tonumber("z", 36), tonumber("nope"))
show("goto", (function() local i = 0 ::again:: i = i + 1 if i < 3 then goto again end return i end)())
show("integer overflow wraps", math.maxinteger + 1 == math.mininteger)

-- 8. Concatenation without metamethods (metatables have been set above, so tfscript's concat
-- guard is armed: ordinary concatenation and its errors stay stock Lua's).
local concat_t, concat_named = {}, setmetatable({}, {__index = {__concat = function() return "x" end}, __tostring = function() return "T" end})
show("concat strings/numbers", "a" .. "b", 1 .. 2, 1.5 .. "x", "x" .. -0.0, 2^63 .. "", math.mininteger .. "")
show("concat many", "a" .. 1 .. "b" .. 2.5 .. "c" .. "" .. "d")
show("concat long", #(string.rep("x", 50) .. string.rep("y", 50) .. 3))
show("concat table right", pcall(function() return "x" .. {} end))
show("concat table left", pcall(function() return {} .. "x" end))
show("concat local", pcall(function() return "x" .. concat_t end))
show("concat nil global", pcall(function() return "x" .. undefined_concat_global end))
show("concat field", pcall(function() return concat_t.missing .. "x" end))
show("concat boolean", pcall(function() return 1 .. true end))
show("concat middle", pcall(function() return "a" .. 1 .. concat_t .. "b" end))
show("concat function", pcall(function() return "a" .. print end))
show("concat inherited __concat", pcall(function() return concat_named .. "x" end))
show("concat with __tostring", pcall(function() return "a" .. concat_named end), "a" .. tostring(concat_named))
show("table.concat table", pcall(table.concat, {concat_t}))
show("table.concat numbers", table.concat({1, 2.5, "x"}, "-"))
