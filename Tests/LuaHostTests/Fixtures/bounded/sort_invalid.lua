-- Inconsistent comparators and mixed types: which inputs raise "invalid order function for
-- sorting" (and which operand order a mixed-type error names) depends on the algorithm. Not
-- guaranteed by the manual; observed identical to stock 5.4.4 on these inputs.
local res = {}
for n = 2, 60 do
  local t = {} for i = 1, n do t[i] = (i * 7) % 5 end
  local ok1 = pcall(table.sort, t, function() return true end)
  local u = {} for i = 1, n do u[i] = (i * 7) % 5 end
  local ok2 = pcall(table.sort, u, function(a, b) return a <= b end)
  local v = {} for i = 1, n do v[i] = i end
  local ok3 = pcall(table.sort, v, function(a, b) return false end)
  res[#res+1] = (ok1 and "T" or "E") .. (ok2 and "T" or "E") .. (ok3 and "T" or "E")
end
print(table.concat(res, " "))
print(pcall(table.sort, {1, "x", 2, "y"}))
print(pcall(table.sort, {"x", 1}))
print("cases", 59 * 3 + 4)
