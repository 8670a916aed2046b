-- Bug: Negation in constant folding of '>>' may overflow (lua/lua 26be2745): "-1 >> mininteger"
-- negates math.mininteger in C (signed overflow, undefined behaviour) while folding constants.
-- Fixed Lua: prints "0 0 0 0". Stock Debian lua5.4: see docs/lua-5.4.4-bugs.md.
local function r(op, n) return load(string.format("return -1 %s %d", op, n))() end
print(r(">>", math.maxinteger), r(">>", math.mininteger), r("<<", math.maxinteger), r("<<", math.mininteger))
