-- Stock lua5.4's compile time of one chunk (Benchmarks/bench.py, P6): prints seconds.
local f = assert(io.open(arg[1], "rb")) local s = f:read("a") f:close()
local start = os.clock()
local fn, err = load(s, "=chunk")
local seconds = os.clock() - start
assert(fn, err)
print(string.format("%.6f", seconds))
