-- Tests of ../hello.lua: tfscript test examples/tests
local t = require "tfscript.test"

t.case("greets the name given, with the greeting from --var", function()
  local sim = t.simulator{}
  local run = sim:run("../hello.lua", {args = {"world"}, vars = {greeting = "Hi"}})
  t.eq(run.exit_code, 0)
  t.match(run.stdout, "^Hi, world!\n")
  t.eq(#sim:requests(), 0)
end)
