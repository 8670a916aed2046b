-- Bug: Lua can generate wrong code when _ENV is <const> (lua/lua 1f3c6f45, CVE-2022-28805,
-- lua.org 5.4.4 bug list). Upstream 5.4.4: heap over-read in the generated code.
-- Debian 5.4.4-3 carries the fix (debian/patches/0004-cve-2022-28805.patch).
-- Expected (fixed): false + "...attempt to index a number value (local '_ENV')".
local function foo()
  local _ENV <const> = 11
  X = "hi"
end
print(pcall(foo))
