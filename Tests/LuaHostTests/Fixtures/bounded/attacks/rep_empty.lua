-- Attack: string.rep of the empty string, math.maxinteger times.
-- expect: finishes (the bounded rep returns "" at once; stock loops n times in C)
local r = string.rep("", math.maxinteger)
assert(r == "")
print("finished")
