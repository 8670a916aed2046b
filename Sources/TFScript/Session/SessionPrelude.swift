/// A session's helpers written in Lua (the REPL's): the pretty printer, the statement runner
/// and `:table` (which shows values with `tf.show`, captured before the user types anything).
///
/// Loaded once into the session's state before the user types anything. Every library
/// function it uses is captured as a local first, so a user who redefines `print`, `pairs` or
/// `string.format` at the prompt cannot break the printer. Tables are read with raw access
/// (`rawget`, `next`): printing never runs `__index`, `__tostring` or `__pairs` of user tables.
/// Cycles print as `<cycle>`; depth, item count, string length and
/// line width are bounded, so printing a huge or self-referencing table stays cheap.
enum SessionPrelude {
    /// The chunk name; traceback lines naming it are the REPL's own frames and are hidden.
    static let chunkName = "=[repl]"
    /// The global through which the prelude hands its functions to the host (then removed).
    static let receiverName = "__tfscript_repl_receive"

    static let source = #"""
local print, type, tostring, next, rawget, rawequal, getmetatable, pcall, select, error, load, pairs, ipairs =
      print, type, tostring, next, rawget, rawequal, getmetatable, pcall, select, error, load, pairs, ipairs
local sort, concat, pack, unpack = table.sort, table.concat, table.pack, table.unpack
local format, gsub, byte, sub, find, rep = string.format, string.gsub, string.byte, string.sub, string.find, string.rep
local mtype = math.type
local null = tf.json.null
local show_table = tf.show

local LIMIT = { depth = 8, items = 200, scan = 20000, string = 2000, width = 100 }

local keywords = {}
for w in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%a+") do
  keywords[w] = true
end

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function quote(s)
  local suffix = ""
  if #s > LIMIT.string then
    suffix = format("...(%d bytes)", #s)
    s = sub(s, 1, LIMIT.string)
  end
  s = gsub(s, '[%c"\\]', function(c) return escapes[c] or format("\\%03d", byte(c)) end)
  return '"' .. s .. '"' .. suffix
end

-- Text of a non-table value; never runs a metamethod.
local function scalar(v)
  local t = type(v)
  if t == "string" then return quote(v) end
  if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
  if rawequal(v, null) then return "tf.json.null" end
  if t == "function" or t == "thread" then return tostring(v) end
  return "<" .. t .. ">"
end

local typeorder = { number = 1, string = 2, boolean = 3 }
local function before(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    local oa, ob = typeorder[ta] or 9, typeorder[tb] or 9
    if oa ~= ob then return oa < ob end
    return ta < tb
  end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return (not a) and b end
  return format("%p", a) < format("%p", b)
end

-- The entries of t: n array items (1..n), then the other keys sorted. Raw access only.
local function entries(t)
  local values, n = {}, 0
  while n < LIMIT.scan do
    local v = rawget(t, n + 1)
    if v == nil then break end
    n = n + 1
    values[n] = v
  end
  local keys, map, total = {}, {}, 0
  local k = nil
  while true do
    local ok, key, value = pcall(next, t, k)
    if not ok or key == nil then break end
    k = key
    if not (mtype(key) == "integer" and key >= 1 and key <= n) then
      total = total + 1
      if #keys < LIMIT.scan then
        keys[#keys + 1] = key
        map[key] = value
      end
    end
  end
  sort(keys, before)
  return values, n, keys, map, total
end

local function keytext(k, render)
  if type(k) == "string" and find(k, "^[%a_][%w_]*$") and not keywords[k] then return k end
  if type(k) == "table" then return "[" .. format("<table %p>", k) .. "]" end
  return "[" .. scalar(k) .. "]"
end

local render
render = function(v, depth, open)
  if type(v) ~= "table" then return scalar(v) end
  if open[v] then return "<cycle>" end
  if depth >= LIMIT.depth then return "{...}" end
  open[v] = true
  local values, n, keys, map, total = entries(v)
  local items, packable, shown = {}, {}, 0
  for i = 1, n do
    if shown >= LIMIT.items then break end
    shown = shown + 1
    items[shown] = render(values[i], depth + 1, open)
    packable[shown] = type(values[i]) ~= "table"
  end
  for _, k in ipairs(keys) do
    if shown >= LIMIT.items then break end
    shown = shown + 1
    items[shown] = keytext(k) .. " = " .. render(map[k], depth + 1, open)
  end
  open[v] = nil
  local hidden = n + total - shown
  if hidden > 0 then items[#items + 1] = format("...(%d more)", hidden) end
  if #items == 0 then return "{}" end
  local inline = "{" .. concat(items, ", ") .. "}"
  if #inline <= LIMIT.width - depth * 2 and not find(inline, "\n", 1, true) then return inline end
  -- One item per line, except runs of scalar array items, packed up to the width.
  local lines, current = {}, nil
  for i, item in ipairs(items) do
    if packable[i] and current and #current + #item + 2 <= LIMIT.width - 2 then
      current = current .. ", " .. item
    else
      if current then lines[#lines + 1] = current end
      current = packable[i] and item or nil
      if not current then lines[#lines + 1] = "  " .. gsub(item, "\n", "\n  ") end
    end
    if current and i == #items then lines[#lines + 1] = current end
  end
  for i, line in ipairs(lines) do
    if sub(line, 1, 2) ~= "  " then lines[i] = "  " .. line end
  end
  return "{\n" .. concat(lines, ",\n") .. "\n}"
end

local function show_value(v) return render(v, 0, {}) end

-- print-like output of a statement's results (nothing when there are none).
local last
local function show_results(...)
  local count = select("#", ...)
  if count == 0 then return end
  last = (...)
  local parts, multiline = {}, false
  for i = 1, count do
    parts[i] = show_value((select(i, ...)))
    if find(parts[i], "\n", 1, true) then multiline = true end
  end
  print(concat(parts, multiline and "\n" or "\t"))
end

-- Runs one statement (already checked to compile) and prints its results, or, when quiet,
-- returns them to the host.
local function run(code, quiet)
  local chunk, message = load(code, "=stdin", "t")
  if not chunk then error(message, 0) end
  if quiet then
    local results = pack(chunk())
    return unpack(results, 1, results.n)
  end
  show_results(chunk())
end

local function show_last(code)
  if code then
    local chunk, message = load("return " .. code, "=stdin", "t")
    if not chunk then error(message, 0) end
    last = (chunk())
  end
  show_table(last)
end

__tfscript_repl_receive(run, show_last)
"""#
}
