-- Attack: string.rep of the empty string, math.maxinteger times.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.rep("", math.maxinteger)
print("NOT STOPPED")
