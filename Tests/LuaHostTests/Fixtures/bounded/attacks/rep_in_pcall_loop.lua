-- Attack: swallowing the limit error with pcall and trying again.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
while true do pcall(string.rep, "", math.maxinteger) end
print("NOT STOPPED")
