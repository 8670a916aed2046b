-- Tests of ../nightly-scale-down.lua: tfscript test examples/tests
local t = require "tfscript.test"

t.case("a dry run plans to stop the enabled test endpoints, and changes nothing", function()
  local sim = t.simulator{}
  local run = sim:run("../nightly-scale-down.lua", {dry_run = true})
  t.eq(run.exit_code, 0)
  t.eq(#run.plan.operations, 3)
  t.eq(run.plan.operations[1].body, {enabled = false})
  t.eq(run.plan.operations[1].target, "ep-demo-07")
  t.match(run.stdout, "3 endpoint%(s%) matching test%-%* would be stopped")
  t.eq(sim:endpoint("ep-demo-07").enabled, true)
  for _, request in ipairs(sim:requests()) do t.eq(request.method, "GET") end
end)

t.case("a live run stops them; a second run has nothing to do", function()
  local sim = t.simulator{}
  t.eq(sim:run("../nightly-scale-down.lua").exit_code, 0)
  t.eq(sim:endpoint("ep-demo-07").enabled, false)
  local again = sim:run("../nightly-scale-down.lua", {dry_run = true})
  t.eq(#again.plan.operations, 0)
end)

t.case("the pattern argument chooses the endpoints", function()
  local sim = t.simulator{fleet = {
    {endpoint_id = "ep-1", name = "staging-a", status = "running", enabled = true, region = "eu-west1",
     model_name = "openai/gpt-oss-20b", flavor_name = "base", gpu_type = "gpu-h100-sxm", gpu_count = 1,
     scaling = {min_replicas = 1, max_replicas = 1}},
  }}
  local run = sim:run("../nightly-scale-down.lua", {args = {"staging-*"}, dry_run = true})
  t.eq(#run.plan.operations, 1)
end)

t.case("a failed patch fails the run with exit code 4", function()
  local sim = t.simulator{}
  sim:fault{method = "PATCH", path = "/v0/dedicated_endpoints/*", status = 400}
  local run = sim:run("../nightly-scale-down.lua")
  t.eq(run.exit_code, 4)
  t.match(run.error, "HTTP 400")
end)
