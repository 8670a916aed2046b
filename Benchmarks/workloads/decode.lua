-- Decode a 10,000-endpoint list response into Lua tables, 9 timed rounds after a warm-up;
-- prints the median round in milliseconds (os.clock). Under tfscript it uses tf.json.decode;
-- under plain lua5.4, the pure-Lua decoder in json_lua.lua. The text comes from the
-- generated module fleet10k (a long string), loaded before timing.
local text = require("fleet10k")
local decode = tf and tf.json.decode or require("json_lua")
local rounds, times = 9, {}
local count
for round = 0, rounds do
  collectgarbage("collect")
  local start = os.clock()
  local list = decode(text)
  local elapsed = os.clock() - start
  count = #list.endpoints
  if round > 0 then times[#times + 1] = elapsed end
end
assert(count == 10000, "decoded " .. tostring(count) .. " endpoints")
table.sort(times)
print(string.format("median_ms %.3f", times[(rounds + 1) // 2] * 1000))
