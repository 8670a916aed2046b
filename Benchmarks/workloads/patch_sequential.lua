-- List every endpoint, then patch each one, one request at a time.
local endpoints = tf.endpoints.list()
assert(#endpoints == 500, "expected 500 endpoints, got " .. #endpoints)
for _, ep in ipairs(endpoints) do
  tf.endpoints.patch(ep.endpoint_id, {description = "patched by the benchmark"})
end
