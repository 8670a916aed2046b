-- Bug: 'break' may not properly close variable in a 'for' loop (lua/lua 997f11f5,
-- lua.org 5.4.4 bug list). The generic for's closing value is not closed when a 'break'
-- leaves a loop body that created an upvalue.
-- Stock Debian lua5.4: prints "closed: false". Fixed Lua: "closed: true".
local closed = false
local o1 = setmetatable({}, {__close = function() closed = true end})
local function test()
  for k, v in next, {}, nil, o1 do
    local function f() return k end -- create an upvalue
    break
  end
  return closed -- must already be closed here, right after the loop
end
print("closed: " .. tostring(test()))
