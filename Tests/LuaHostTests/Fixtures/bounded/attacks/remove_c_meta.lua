-- Attack: table.remove shifting math.maxinteger elements through C metamethods.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
table.remove(setmetatable({}, {__len = function() return math.maxinteger end, __index = rawlen, __newindex = rawequal}), 1)
print("NOT STOPPED")
