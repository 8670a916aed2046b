-- Tests of ../morning-scale-up.lua: tfscript test examples/tests
local t = require "tfscript.test"

t.case("starts the disabled test endpoints again, and waits for them with --var wait=yes", function()
  local sim = t.simulator{}
  local run = sim:run("../morning-scale-up.lua", {vars = {wait = "yes"}})
  t.eq(run.exit_code, 0, run.error)
  t.match(run.stdout, "2 endpoint%(s%) matching test%-%* started")
  t.eq(sim:endpoint("ep-demo-04").enabled, true)
  t.eq(sim:endpoint("ep-demo-08").status, "running")
end)

t.case("a dry run plans the patches and sends none", function()
  local sim = t.simulator{}
  local run = sim:run("../morning-scale-up.lua", {dry_run = true})
  t.eq(#run.plan.operations, 2)
  t.eq(run.plan.operations[2].body, {enabled = true})
  for _, request in ipairs(sim:requests()) do t.eq(request.method, "GET") end
end)
