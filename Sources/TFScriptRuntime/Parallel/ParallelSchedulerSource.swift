/// The Lua half of `tf.parallel`: the scheduler loop, run on the script's Lua thread.
///
/// Lua code so that workers are ordinary coroutines resumed by the sandbox's
/// `coroutine.resume` (which re-raises limits), values never leave Lua (results, error
/// tables, functions keep their identity) and the memory limit and count hook apply to the
/// scheduler too. The host primitives (``ParallelRun``) are upvalues, unreachable by scripts.
/// Installed before the script loads, while `tf` is still writable; removes its primitives.
enum ParallelSchedulerSource {
    static let chunkName = "=tf.parallel"

    static let source = #"""
local primitives = rawget(tf, "_parallel")
rawset(tf, "_parallel", nil)
local begin, adopt, wait, drain = primitives.begin, primitives.adopt, primitives.wait, primitives.drain
local SUSPENDED = primitives.suspended
local array = tf.json.array
local create, resume, status = coroutine.create, coroutine.resume, coroutine.status
local error = error

-- tf.parallel(items, fn [, {concurrency = 8, fail_fast = false}]) -> results, failures
local function parallel(items, fn, options)
  local run <close>, concurrency, fail_fast = begin(items, fn, options)
  local n = #items
  local results, failures = array({}), 0
  local workers, ready = {}, {}
  local running, next_item = 0, 1
  local failed, first_error = false, nil

  -- Resumes worker i until it suspends (a tf call in flight), yields or ends.
  local function step(i, ...)
    local co = workers[i]
    local ok, value = resume(co, ...)
    if status(co) == "dead" then
      workers[i] = nil
      running = running - 1
      if ok then
        results[i] = {ok = true, value = value}
      else
        failures = failures + 1
        results[i] = {ok = false, err = value}
        if fail_fast and not failed then failed, first_error = true, value end
      end
    elseif value ~= SUSPENDED then
      ready[#ready + 1] = i -- fn called coroutine.yield itself: run it again next round
    end
  end

  while true do
    while not failed and running < concurrency and next_item <= n do
      local i = next_item
      next_item = i + 1
      local co = create(fn)
      workers[i] = co
      running = running + 1
      adopt(run, co, i)
      step(i, items[i], i)
    end
    if failed or running == 0 then break end
    local done = wait(run, #ready == 0)
    for k = 1, #done do
      step(done[k])
      if failed then break end
    end
    if not failed and #ready > 0 then
      local again = ready
      ready = {}
      for k = 1, #again do
        step(again[k])
        if failed then break end
      end
    end
  end
  if failed then
    drain(run)
    error(first_error, 0)
  end
  return results, failures
end

rawset(tf, "parallel", parallel)
"""#
}
