-- Attack: string.rep of empty piece and separator.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.rep("", math.maxinteger, "")
print("NOT STOPPED")
