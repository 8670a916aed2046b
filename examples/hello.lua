-- hello.lua: the smallest tfscript script.
--   tfscript run examples/hello.lua world
--   tfscript run --var greeting=Hi examples/hello.lua world
local name = arg[1] or "Token Factory"
local greeting = tf.vars.greeting or "Hello"
print(string.format("%s, %s!", greeting, name))
print(("running %s under %s"):format(arg[0], _VERSION))
