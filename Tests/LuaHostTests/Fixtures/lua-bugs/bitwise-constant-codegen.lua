-- Bug: Wrong code generation for constants in bitwise operations (lua/lua c764ca71,
-- lua.org 5.4.4 bug list). With more than 255 constants in a function, "1 ~ (2 or 3)" and
-- friends compile to code that uses the wrong operand.
-- Stock Debian lua5.4: prints "0 2 3 4" (wrong: 1 ~ 2 and 1 | 2 are 3); no memory error under ASan.
-- Fixed Lua: prints "3 3 3 4".
local code = {"local x = {"}
for i = 1, 257 do code[#code + 1] = i .. ".1," end
code[#code + 1] = "};"
code = table.concat(code)
local function run(ret)
  local ok, v = pcall(load(code .. ret))
  return ok and v or ("error: " .. tostring(v))
end
print(run("return (1 ~ (2 or 3))"), run("return (1 | (2 or 3))"),
      run("return (1 + (2 or 3))"), run("return (1 << (2 or 3))"))
