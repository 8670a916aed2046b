-- A CPU-bound Lua loop (arithmetic, table writes, calls, a little string work), 7 timed
-- rounds after a warm-up; prints the median round in milliseconds (os.clock). The same file
-- runs under tfscript (sandbox: count hook and budgeted allocator on) and plain lua5.4.
local function mix(acc, i) return (acc * 31 + i) % 1000003 end

local function work(n)
  local t, acc = {}, 0
  for i = 1, n do
    acc = mix(acc, i)
    t[(i % 512) + 1] = acc
    if i % 64 == 0 then acc = acc + #tostring(t[(acc % 512) + 1]) end
  end
  return acc
end

local rounds, times, result = 7, {}, nil
for round = 0, rounds do
  local start = os.clock()
  result = work(5000000)
  if round > 0 then times[#times + 1] = os.clock() - start end
end
table.sort(times)
print(string.format("median_ms %.3f", times[(rounds + 1) // 2] * 1000), result)
