-- Attack: %b over an unbalanced subject: each start scans to the end (n^2/2).
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.find(string.rep("(", 1e6), "%b()")
print("NOT STOPPED")
