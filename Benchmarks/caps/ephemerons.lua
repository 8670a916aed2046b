-- A chain of N weak-keyed entries inserted in shuffled order (Benchmarks/bench.py, P6): each
-- key is reachable only as the previous entry's value. Prints the seconds of one full
-- collection. Lua 5.4.4 converges such a chain in its atomic phase in quadratic time; the
-- sandbox makes weak tables strong (weak_mode.c), so its collection is linear.
-- Usage: ephemerons.lua N
local n = math.tointeger(tonumber(arg and arg[1] or N))
local keys = {} for i = 1, n + 1 do keys[i] = {} end
local order = {} for i = 1, n do order[i] = i end
math.randomseed(18)
for i = n, 2, -1 do local j = math.random(i) order[i], order[j] = order[j], order[i] end
local e = setmetatable({}, {__mode = "k"})
for _, i in ipairs(order) do e[keys[i]] = keys[i + 1] end
local root = keys[1]
keys, order = nil, nil
collectgarbage() collectgarbage()
local start = os.clock()
collectgarbage()
print(string.format("%.6f %.1f", os.clock() - start, collectgarbage("count") / 1024))
