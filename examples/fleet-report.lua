-- fleet-report.lua: show the fleet as a table, or hand it to other tools as JSON.
--
--   tfscript run examples/fleet-report.lua
--   tfscript run examples/fleet-report.lua 'prod-*'                  # only matching names
--   tfscript run -o json --var format=json examples/fleet-report.lua | jq '.[] | select(.enabled)'
--
-- Columns: name, region, state, model, GPU type and count per replica, replicas (min-max),
-- enabled. The script returns the rows, so `-o json` prints them as one JSON array (with
-- format=json the table is left out, so stdout is only the JSON). Read-only: it never
-- changes anything.

local pattern = arg[1] or tf.vars.pattern
local endpoints = tf.endpoints.list(pattern and {name = pattern} or nil)
table.sort(endpoints, function(a, b)
  if a.region ~= b.region then return a.region < b.region end
  return a.name < b.name
end)

local rows = tf.json.array({})
for _, ep in ipairs(endpoints) do
  local scaling = ep.scaling or {}
  rows[#rows + 1] = {
    name = ep.name, endpoint_id = ep.endpoint_id, region = ep.region, state = ep.state,
    model_name = ep.model_name, gpu_type = ep.gpu_type, gpu_count = ep.gpu_count, enabled = ep.enabled,
    replicas = string.format("%s-%s", tostring(scaling.min_replicas or "?"), tostring(scaling.max_replicas or "?")),
  }
end

if tf.vars.format ~= "json" then
  tf.show(rows, {"name", "region", "state", "model_name", "gpu_type", "gpu_count", "replicas", "enabled"})
  print(string.format("\n%d endpoint%s", #rows, #rows == 1 and "" or "s"))
end
return rows
