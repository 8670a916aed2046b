-- Attack: table.sort of 2^31-2 elements read and written through C metamethods.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
table.sort(setmetatable({}, {__len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal}))
print("NOT STOPPED")
