-- Attack: backtracking explosion in string.find (O(n^4)).
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.find(string.rep("a", 1e5), ".-.-.-.-b")
print("NOT STOPPED")
