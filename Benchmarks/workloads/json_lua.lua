-- A plain pure-Lua JSON decoder, the kind a script vendors when its host has none: the
-- baseline of the decode benchmark. Written for these benchmarks (string.find scanning,
-- byte dispatch, no per-character loops). Integers stay integers (Lua 5.4 tonumber).
local byte, sub, find, concat, tonumber, utf8char, error = string.byte, string.sub, string.find, table.concat, tonumber, utf8.char, error

local NULL = setmetatable({}, {__tostring = function() return "null" end})
local escapes = {[34] = '"', [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f", [110] = "\n", [114] = "\r", [116] = "\t"}
local decode_value

local function skip(s, i)
  local _, e = find(s, "^[ \n\r\t]*", i)
  return e + 1
end

local function decode_string(s, i) -- i: the opening quote
  local j, parts, n = i + 1, nil, 0
  while true do
    local a = find(s, '["\\]', j)
    if not a then error("unterminated string at " .. i) end
    if byte(s, a) == 34 then
      if not parts then return sub(s, i + 1, a - 1), a + 1 end
      n = n + 1; parts[n] = sub(s, j, a - 1)
      return concat(parts), a + 1
    end
    parts = parts or {}
    n = n + 1; parts[n] = sub(s, j, a - 1)
    local c = byte(s, a + 1)
    if c == 117 then -- \uXXXX, with surrogate pairs
      local cp, after = tonumber(sub(s, a + 2, a + 5), 16), a + 6
      if cp >= 0xD800 and cp <= 0xDBFF and sub(s, after, after + 1) == "\\u" then
        cp = 0x10000 + (cp - 0xD800) * 0x400 + (tonumber(sub(s, after + 2, after + 5), 16) - 0xDC00)
        after = after + 6
      end
      n = n + 1; parts[n] = utf8char(cp)
      j = after
    else
      local e = escapes[c] or error("bad escape at " .. a)
      n = n + 1; parts[n] = e
      j = a + 2
    end
  end
end

local function decode_number(s, i)
  local _, e = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if not e then error("unexpected character at " .. i) end
  return tonumber(sub(s, i, e)), e + 1
end

local function decode_array(s, i) -- i: after '['
  local t, n = {}, 0
  i = skip(s, i)
  if byte(s, i) == 93 then return t, i + 1 end
  while true do
    local v
    v, i = decode_value(s, i)
    n = n + 1; t[n] = v
    i = skip(s, i)
    local c = byte(s, i)
    if c == 93 then return t, i + 1 end
    if c ~= 44 then error("expected ',' or ']' at " .. i) end
    i = skip(s, i + 1)
  end
end

local function decode_object(s, i) -- i: after '{'
  local t = {}
  i = skip(s, i)
  if byte(s, i) == 125 then return t, i + 1 end
  while true do
    if byte(s, i) ~= 34 then error("expected a string key at " .. i) end
    local k, v
    k, i = decode_string(s, i)
    i = skip(s, i)
    if byte(s, i) ~= 58 then error("expected ':' at " .. i) end
    v, i = decode_value(s, skip(s, i + 1))
    t[k] = v
    i = skip(s, i)
    local c = byte(s, i)
    if c == 125 then return t, i + 1 end
    if c ~= 44 then error("expected ',' or '}' at " .. i) end
    i = skip(s, i + 1)
  end
end

function decode_value(s, i)
  local c = byte(s, i)
  if c == 123 then return decode_object(s, i + 1)
  elseif c == 91 then return decode_array(s, i + 1)
  elseif c == 34 then return decode_string(s, i)
  elseif c == 116 and sub(s, i, i + 3) == "true" then return true, i + 4
  elseif c == 102 and sub(s, i, i + 4) == "false" then return false, i + 5
  elseif c == 110 and sub(s, i, i + 3) == "null" then return NULL, i + 4
  end
  return decode_number(s, i)
end

return function(s)
  local v, i = decode_value(s, skip(s, 1))
  if skip(s, i) <= #s then error("trailing characters at " .. i) end
  return v
end
