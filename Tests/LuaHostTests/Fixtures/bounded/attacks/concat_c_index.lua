-- Attack: table.concat over a __len of math.maxinteger with __index = rawlen (a C function).
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
table.concat(setmetatable({}, {__len = function() return math.maxinteger end, __index = rawlen}))
print("NOT STOPPED")
