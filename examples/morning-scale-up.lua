-- morning-scale-up.lua: start again the endpoints nightly-scale-down.lua stopped, and
-- optionally wait until they serve traffic.
--
--   tfscript run examples/morning-scale-up.lua                         # pattern 'test-*'
--   tfscript run --var pattern='staging-*' --var wait=yes examples/morning-scale-up.lua
--
-- cron (weekdays at 07:30):
--   30 7 * * 1-5  tfscript run --log-format json /opt/tf/morning-scale-up.lua
--
-- Only disabled endpoints are touched; with wait=yes the script waits (up to 15 minutes per
-- endpoint) until each is running and fails with exit code 4 if one ends in `error`.

local pattern = arg[1] or tf.vars.pattern or "test-*"
local wait = tf.vars.wait == "yes"

local stopped = tf.endpoints.list{name = pattern, enabled = false}
if #stopped == 0 then
  tf.log.info("nothing to do: no disabled endpoint matches %s", pattern)
  return
end

for _, ep in ipairs(stopped) do
  tf.endpoints.patch(ep, {enabled = true})
  tf.log.info("%s %s (%s)", tf.dry_run and "would start" or "starting", ep.name, ep.endpoint_id)
end

if wait then
  for _, ep in ipairs(stopped) do
    local ready = tf.endpoints.wait(ep, "running", {timeout = 900})
    tf.log.info("%s is %s", ready.name, ready.state)
  end
end

print(string.format("%d endpoint(s) matching %s %s", #stopped, pattern,
  tf.dry_run and "would be started" or "started"))
