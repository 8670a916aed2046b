-- Bug: Wrong line in error message for arithmetic errors (lua/lua 02bab9fc, lua.org 5.4.4 bug
-- list): '%' and '//' by integer zero do not save the pc, so the message names an earlier line
-- (and L->top is stale when the error is raised).
-- Stock Debian lua5.4: message names line 1. Fixed Lua: line 3.
local f = load("local a = 0\nlocal b = 1\nlocal c = b % a\n", "=chunk")
print(pcall(f))
