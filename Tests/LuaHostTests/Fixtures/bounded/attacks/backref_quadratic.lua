-- Attack: back-references: O(n^2) tries, each comparing up to n bytes.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.find(string.rep("a", 1e5), "(.*)%1b")
print("NOT STOPPED")
