-- Attack: backtracking explosion inside one gmatch iterator call.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
for _ in string.gmatch(string.rep("a", 1e5), ".-.-.-b") do end
print("NOT STOPPED")
