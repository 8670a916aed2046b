-- List every endpoint, then patch each one, 32 requests at a time (tf.parallel).
local endpoints = tf.endpoints.list()
assert(#endpoints == 500, "expected 500 endpoints, got " .. #endpoints)
local _, failures = tf.parallel(endpoints, function(ep)
  return tf.endpoints.patch(ep.endpoint_id, {description = "patched by the benchmark"})
end, {concurrency = 32})
assert(failures == 0, failures .. " patches failed")
