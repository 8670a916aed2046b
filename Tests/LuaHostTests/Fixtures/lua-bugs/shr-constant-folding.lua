-- Bug: Negation in constant folding of '>>' may overflow (lua/lua 26be2745): "-1 >> mininteger"
-- negates math.mininteger in C (signed overflow, undefined behaviour) while folding constants.
-- Fixed Lua and stock Debian lua5.4 (gcc, x86-64) both print "0 0 0 0": the UB has no visible effect here.
local function r(op, n) return load(string.format("return -1 %s %d", op, n))() end
print(r(">>", math.maxinteger), r(">>", math.mininteger), r("<<", math.maxinteger), r("<<", math.mininteger))
