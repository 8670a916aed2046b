-- List every endpoint, then patch the first N (arg[1], default 100) one after another: the
-- time of one request in a chain, the unit P2's rounds are made of. `scripts/bench` runs it
-- with N = 100 and N = 0 and divides the difference by 100.
local count = math.tointeger(tonumber(arg[1] or "100"))
local endpoints = tf.endpoints.list()
assert(#endpoints >= count, "expected at least " .. count .. " endpoints, got " .. #endpoints)
for i = 1, count do
  tf.endpoints.patch(endpoints[i].endpoint_id, {description = "chained patch " .. i})
end
