-- Attack: a 1e5-member set tried at each of 1e5 positions.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.find(string.rep("a", 1e5), "[" .. string.rep("b", 1e5) .. "]x")
print("NOT STOPPED")
