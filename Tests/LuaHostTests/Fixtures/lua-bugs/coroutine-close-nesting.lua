-- Bug: C-stack overflow with deep nesting of coroutine.close (lua/lua 1e64c139, lua.org 5.4.4 bug list).
-- In 5.4.4 lua_resetthread(co) starts counting C calls from zero for each coroutine it closes,
-- so a chain of <close> handlers that each close another coroutine recurses in C without bound.
-- Stock Debian lua5.4: segmentation fault (exit 139).
-- Fixed Lua (5.4.5+): coroutine.close returns false, "...C stack overflow" and the script goes on.
-- Sandbox expectation: a clean Lua error (or false + message), no crash.
local N = tonumber(arg and arg[1]) or 200000
local coro = false
for i = 1, N do
  local previous = coro
  coro = coroutine.create(function()
    local cc <close> = setmetatable({}, {__close = function()
      if previous then coroutine.close(previous) end
    end})
    coroutine.yield()
  end)
  coroutine.resume(coro)
end
print(coroutine.close(coro))
