-- Attack: backtracking explosion in every step of string.gsub.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.gsub(string.rep("a", 1e5), "a-a-a-a-b", "")
print("NOT STOPPED")
