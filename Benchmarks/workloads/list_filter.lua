-- Benchmark 3: list every endpoint (ten pages of 1,000) and filter them in Lua.
local n = 0
for _, ep in ipairs(tf.endpoints.list()) do
  if ep.state == "running" and ep.region == "eu-west1" and ep.scaling.max_replicas >= 2 then n = n + 1 end
end
print(n)
