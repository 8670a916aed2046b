-- Tests of ../cleanup-disabled.lua: tfscript test examples/tests
local t = require "tfscript.test"

local function endpoint(id, name, updated)
  return {endpoint_id = id, name = name, status = "stopped", enabled = false, region = "eu-west1",
          model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm", gpu_count = 1,
          scaling = {min_replicas = 0, max_replicas = 1}, updated_at = updated}
end

t.case("plans to delete only endpoints disabled for longer than DAYS", function()
  local sim = t.simulator{fleet = {
    endpoint("ep-old", "test-old", "2020-01-01T00:00:00Z"),
    endpoint("ep-new", "test-new", os.date("!%Y-%m-%dT%H:%M:%SZ")),
  }}
  local run = sim:run("../cleanup-disabled.lua", {args = {"14"}, dry_run = true})
  t.eq(run.exit_code, 0, run.error)
  t.eq(#run.plan.operations, 1)
  t.eq(run.plan.operations[1].kind, "delete")
  t.eq(run.plan.operations[1].target, "ep-old")
end)

t.case("a DAYS that is not a number is an error", function()
  local sim = t.simulator{}
  local run = sim:run("../cleanup-disabled.lua", {args = {"soon"}})
  t.eq(run.exit_code, 1)
  t.match(run.error, "DAYS must be a number of days")
end)
