-- Attack: nested greedy repetitions in string.match.
-- Stock lua5.4 spends this inside one C call, where no count hook can fire.
string.match(string.rep("a", 2e4), "(.*)(.*)(.*)x")
print("NOT STOPPED")
