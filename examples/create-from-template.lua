-- create-from-template.lua: create an endpoint from the cheapest template for a model in a
-- region, and wait until it is running.
--
--   tfscript run --dry-run examples/create-from-template.lua openai/gpt-oss-20b eu-north1
--   tfscript run examples/create-from-template.lua openai/gpt-oss-20b eu-north1 my-endpoint
--
-- Arguments: MODEL (default openai/gpt-oss-20b), REGION (default eu-north1), NAME (default
-- derived from the model). Prints the routing key to use for inference on stdout, so a
-- shell can capture it:  KEY=$(tfscript run examples/create-from-template.lua ...)
--
-- tf.templates.list filters the catalogue; tf.templates.spec turns the chosen template into
-- a create spec (model, flavor, GPU type and count), with our own fields on top. The price is
-- read from price_per_hour (a number, or {amount=..}); unpriced templates come last.

local model = arg[1] or tf.vars.model or "openai/gpt-oss-20b"
local region = arg[2] or tf.vars.region or "eu-north1"
local name = arg[3] or tf.vars.name or ("demo-" .. model:gsub("^.*/", ""):lower():gsub("[^%w]+", "-"))

local function price(t)
  local p = t.price_per_hour
  if type(p) == "table" then p = p.amount end
  return type(p) == "number" and p or math.huge
end

local templates = tf.templates.list{model_name = model, region = region}
table.sort(templates, function(a, b) return price(a) < price(b) end)
local best = templates[1]
if not best then
  error(string.format("no template offers %s in %s (see tf.templates.list{model_name = %q})", model, region, model))
end
tf.log.info("cheapest template for %s in %s: %s (%s/h)", model, region, best.template_id or best.gpu_type, tostring(price(best)))

local ep = tf.endpoints.create(tf.templates.spec(best, {
  name = name,
  description = "created by create-from-template.lua",
  region = region,
  scaling = {min_replicas = 1, max_replicas = 1},
}))
tf.log.info("%s %s (%s)", tf.dry_run and "would create" or "created", ep.name, ep.endpoint_id)

ep = tf.endpoints.wait(ep, "running", {timeout = 1800})
print(ep.routing_key)
