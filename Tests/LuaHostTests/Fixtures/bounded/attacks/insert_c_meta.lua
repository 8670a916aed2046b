-- Attack: table.insert shifting math.maxinteger elements through C metamethods.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
table.insert(setmetatable({}, {__len = function() return math.maxinteger - 1 end, __index = rawlen, __newindex = rawequal}), 1, "x")
print("NOT STOPPED")
