-- Attack: a long replacement template applied to 1e5 empty matches (1e10 steps, no output growth).
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.gsub(string.rep("a", 1e5), "x*", string.rep("%0", 1e5))
print("NOT STOPPED")
