-- Bug: Wrong line number for function calls (lua/lua 5ab6a575, bug list for 5.4.6, present in
-- 5.4.4): an error in a call spread over lines is reported at the line of the function
-- expression, not of the '('.
-- Stock Debian lua5.4: "chunk:1:". Fixed Lua: "chunk:2:".
print(pcall(load("a\n(\n23)\n", "=chunk")))
