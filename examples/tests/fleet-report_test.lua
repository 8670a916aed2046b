-- Tests of ../fleet-report.lua: tfscript test examples/tests
local t = require "tfscript.test"

t.case("returns one row per endpoint, sorted by region then name, and prints a table", function()
  local sim = t.simulator{}
  local run = sim:run("../fleet-report.lua", {args = {"prod-*"}})
  t.eq(run.exit_code, 0, run.error)
  local rows = run.values[1]
  t.eq(#rows, 4)
  t.eq(rows[1].name, "prod-chat")
  t.eq(rows[1].replicas, "2-6")
  t.match(run.stdout, "\n4 endpoints\n$")
end)

t.case("with --var format=json it prints nothing (the rows are the result)", function()
  local sim = t.simulator{}
  local run = sim:run("../fleet-report.lua", {vars = {format = "json"}})
  t.eq(run.stdout, "")
  t.eq(#run.values[1], 12)
end)
