-- create-from-template.lua: create an endpoint from the cheapest template for a model, and
-- wait until it is running.
--
--   tfscript run --dry-run examples/create-from-template.lua openai/gpt-oss-20b eu-north1
--   tfscript run examples/create-from-template.lua openai/gpt-oss-20b eu-north1 my-endpoint
--
-- Arguments: MODEL (default openai/gpt-oss-20b), REGION (default eu-north1), NAME (default
-- derived from the model). Prints the routing key to use for inference on stdout, so a
-- shell can capture it:  KEY=$(tfscript run examples/create-from-template.lua ...)
--
-- The price is read from the template's price_per_hour (a number, or {amount=..}); templates
-- without a price are considered only when none has one.

local model = arg[1] or tf.vars.model or "openai/gpt-oss-20b"
local region = arg[2] or tf.vars.region or "eu-north1"
local name = arg[3] or tf.vars.name or ("demo-" .. model:gsub("^.*/", ""):lower():gsub("[^%w]+", "-"))

local function price(t)
  local p = t.price_per_hour
  if type(p) == "table" then p = p.amount end
  return type(p) == "number" and p or math.huge
end

local function offered_in(t, want)
  if type(t.regions) ~= "table" then return true end
  for _, r in ipairs(t.regions) do if r == want then return true end end
  return false
end

local best
for _, t in ipairs(tf.templates.list()) do
  if t.model_name == model and offered_in(t, region) and (not best or price(t) < price(best)) then
    best = t
  end
end
if not best then
  error(string.format("no template offers %s in %s (see tf.templates.list())", model, region))
end
tf.log.info("cheapest template for %s in %s: %s x%d (%s), %s/h", model, region,
  best.gpu_type, best.gpu_count, best.flavor_name, tostring(price(best)))

local ep = tf.endpoints.create{
  name = name,
  description = "created by create-from-template.lua",
  model_name = best.model_name,
  flavor_name = best.flavor_name,
  gpu_type = best.gpu_type,
  gpu_count = best.gpu_count,
  region = region,
  scaling = {min_replicas = 1, max_replicas = 1},
}
tf.log.info("%s %s (%s)", tf.dry_run and "would create" or "created", ep.name, ep.endpoint_id)

ep = tf.endpoints.wait(ep.endpoint_id, "running", {timeout = 1800})
print(ep.routing_key)
