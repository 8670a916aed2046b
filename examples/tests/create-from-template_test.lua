-- Tests of ../create-from-template.lua: tfscript test examples/tests
local t = require "tfscript.test"

t.case("creates from the cheapest template and waits until it runs", function()
  local sim = t.simulator{}
  local run = sim:run("../create-from-template.lua", {args = {"openai/gpt-oss-20b", "eu-north1", "my-endpoint"}})
  t.eq(run.exit_code, 0, run.error)
  local created
  for _, ep in ipairs(sim:endpoints()) do if ep.name == "my-endpoint" then created = ep end end
  t.truthy(created, "the endpoint exists")
  t.eq(created.gpu_count, 1)
  t.eq(created.region, "eu-north1")
  t.match(run.stdout, "^dedicated/")
end)

t.case("a model with no template in the region is an error, and nothing is created", function()
  local sim = t.simulator{}
  local run = sim:run("../create-from-template.lua", {args = {"no/such-model", "eu-north1"}})
  t.eq(run.exit_code, 1)
  t.match(run.error, "no template offers no/such%-model in eu%-north1")
  for _, request in ipairs(sim:requests()) do t.eq(request.method, "GET") end
end)
