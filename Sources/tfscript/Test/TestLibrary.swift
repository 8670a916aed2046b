/// The Lua side of `require "tfscript.test"`: cases, assertions with readable diffs, and the
/// simulator handle. The runner (``TestRunner``) gives it its host functions as the global
/// `__tfscript_test`; a case runs alone in its own sandbox (the runner runs the file once to
/// list the cases, then once per case with `tf.vars.__tfscript_case` naming the one to run).
///
/// Failures are raised as strings with the marker ``failureMarker`` so that Lua puts the
/// failing assertion's `file:line:` in front, which the runner reports.
enum TestLibrary {
    static let failureMarker = "[tfscript.test failure] "
    static let skipMarker = "[tfscript.test skip] "

    static let source = #"""
local host = __tfscript_test
__tfscript_test = nil
local M = {}
local wanted = tf.vars.__tfscript_case
local setups = {}

local FAIL, SKIP = "\#(failureMarker)", "\#(skipMarker)"

local function fail(message, level)
  error(FAIL .. message, (level or 1) + 2)
end

local function show(value)
  if type(value) == "string" then return string.format("%q", value) end
  if type(value) ~= "table" then return tostring(value) end
  local ok, text = pcall(tf.json.encode, value)
  return ok and text or tostring(value)
end

-- Every path where `a` and `b` differ (at most 10), as "at PATH: expected E, got A".
local function differences(actual, expected, path, out, seen)
  if #out >= 10 then return end
  if type(actual) ~= "table" or type(expected) ~= "table" then
    if actual ~= expected and not (actual == nil and expected == tf.json.null) and not (expected == nil and actual == tf.json.null) then
      out[#out + 1] = string.format("at %s: expected %s, got %s", path == "" and "the value" or path, show(expected), show(actual))
    end
    return
  end
  if seen[actual] == expected then return end
  seen[actual] = expected
  local keys = {}
  for k in pairs(expected) do keys[#keys + 1] = k end
  for k in pairs(actual) do if expected[k] == nil then keys[#keys + 1] = k end end
  table.sort(keys, function(x, y) return tostring(x) < tostring(y) end)
  for _, k in ipairs(keys) do
    local step = type(k) == "number" and ("[" .. k .. "]") or ("." .. tostring(k))
    differences(actual[k], expected[k], path .. step, out, seen)
    if #out >= 10 then return end
  end
end

function M.eq(actual, expected, message)
  local found = {}
  differences(actual, expected, "", found, {})
  if #found > 0 then
    fail((message and (message .. ": ") or "") .. "not equal\n  " .. table.concat(found, "\n  "))
  end
end

function M.ne(actual, unexpected, message)
  local found = {}
  differences(actual, unexpected, "", found, {})
  if #found == 0 then fail((message and (message .. ": ") or "") .. "expected a value other than " .. show(unexpected)) end
end

function M.truthy(value, message)
  if not value then fail((message and (message .. ": ") or "") .. "expected a true value, got " .. show(value)) end
end

function M.match(text, pattern, message)
  if type(text) ~= "string" or not string.find(text, pattern) then
    fail((message and (message .. ": ") or "") .. show(text) .. " does not match the pattern " .. show(pattern))
  end
end

function M.raises(fn, pattern, message)
  local ok, err = pcall(fn)
  if ok then fail((message and (message .. ": ") or "") .. "expected an error, none was raised") end
  local text = type(err) == "table" and (err.message or show(err)) or tostring(err)
  if pattern and not string.find(text, pattern) then
    fail((message and (message .. ": ") or "") .. "the error " .. show(text) .. " does not match " .. show(pattern))
  end
  return err
end

function M.skip(reason)
  error(SKIP .. tostring(reason or "skipped"), 0)
end

function M.setup(fn)
  if type(fn) ~= "function" then error("t.setup(function) expects a function", 2) end
  setups[#setups + 1] = fn
end

function M.case(name, fn)
  if type(name) ~= "string" or type(fn) ~= "function" then error("t.case(name, function) expects a name and a function", 2) end
  if wanted == nil then host.declare(name) return end
  if name ~= wanted then return end
  local ok, err = pcall(function()
    for _, setup in ipairs(setups) do setup() end
    fn()
  end)
  if ok then host.report("pass", "") return end
  err = type(err) == "table" and (err.message or show(err)) or tostring(err)
  local at, text = string.match(err, "^(.-): " .. (FAIL:gsub("%p", "%%%0")) .. "(.*)$")
  if text then host.report("fail", text, at) return end
  local skipped = string.match(err, "^" .. (SKIP:gsub("%p", "%%%0")) .. "(.*)$")
  if skipped then host.report("skip", skipped) return end
  host.report("error", err)
end

local Simulator = {}
Simulator.__index = Simulator

function M.simulator(options)
  options = options or {}
  local fleet = options.fleet
  if type(fleet) == "string" then fleet = {path = fleet} elseif fleet ~= nil then fleet = {endpoints = fleet} end
  return setmetatable({id = host.simulator_start(fleet or tf.json.null)}, Simulator)
end

function M.replay(cassette)
  if type(cassette) ~= "string" then error("t.replay(path) expects a cassette file's path", 2) end
  return setmetatable({id = host.replay_start(cassette)}, Simulator)
end

function Simulator:run(script, options)
  local result = host.simulator_run(self.id, script, options or {})
  return result
end

function Simulator:fault(spec) host.simulator_fault(self.id, spec) end
function Simulator:requests() return host.simulator_requests(self.id) end
function Simulator:endpoint(id) return host.simulator_endpoint(self.id, id) end
function Simulator:endpoints() return host.simulator_endpoints(self.id) end
function Simulator:advance(seconds) host.simulator_advance(self.id, seconds) end

return M
"""#
}
