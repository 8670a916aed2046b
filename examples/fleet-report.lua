-- fleet-report.lua: print the fleet as a table, or as JSON for other tools.
--
--   tfscript run examples/fleet-report.lua
--   tfscript run --var format=json examples/fleet-report.lua | jq '.[] | select(.enabled)'
--   tfscript run examples/fleet-report.lua 'prod-*'               # only matching names
--
-- Columns: name, region, state, model, GPUs per replica, replicas (min-max), enabled.
-- Read-only: it never changes anything.

local pattern = arg[1] or tf.vars.pattern
local endpoints = tf.endpoints.list(pattern and {name = pattern} or nil)
table.sort(endpoints, function(a, b)
  if a.region ~= b.region then return a.region < b.region end
  return a.name < b.name
end)

if tf.vars.format == "json" then
  local rows = tf.json.array({})
  for _, ep in ipairs(endpoints) do
    rows[#rows + 1] = {
      endpoint_id = ep.endpoint_id, name = ep.name, region = ep.region, state = ep.state,
      model_name = ep.model_name, gpu_type = ep.gpu_type, gpu_count = ep.gpu_count,
      scaling = ep.scaling, enabled = ep.enabled,
    }
  end
  print(tf.json.encode(rows, {pretty = true}))
  return
end

local columns = {"name", "region", "state", "model", "gpus", "replicas", "enabled"}
local rows = {}
for _, ep in ipairs(endpoints) do
  local scaling = ep.scaling or {}
  rows[#rows + 1] = {
    ep.name, ep.region, ep.state or "?", ep.model_name or "?",
    string.format("%s x%s", ep.gpu_type or "?", tostring(ep.gpu_count or "?")),
    string.format("%s-%s", tostring(scaling.min_replicas or "?"), tostring(scaling.max_replicas or "?")),
    tostring(ep.enabled),
  }
end

local widths = {}
for i, title in ipairs(columns) do
  widths[i] = #title
  for _, row in ipairs(rows) do widths[i] = math.max(widths[i], utf8.len(row[i]) or #row[i]) end
end
local function line(cells)
  local out = {}
  for i, cell in ipairs(cells) do
    out[i] = cell .. string.rep(" ", widths[i] - (utf8.len(cell) or #cell))
  end
  print((table.concat(out, "  "):gsub("%s+$", "")))
end

line(columns)
for _, row in ipairs(rows) do line(row) end
print(string.format("\n%d endpoint(s)", #rows))
