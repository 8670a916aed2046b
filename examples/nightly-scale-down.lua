-- nightly-scale-down.lua: stop every enabled endpoint whose name matches a pattern, so test
-- endpoints do not hold paid GPUs overnight.
--
--   tfscript run --dry-run examples/nightly-scale-down.lua            # review first
--   tfscript run examples/nightly-scale-down.lua 'staging-*'         # pattern as argument
--   tfscript run --var pattern='test-*' examples/nightly-scale-down.lua
--
-- cron (weekdays at 20:00), with an audit trail:
--   0 20 * * 1-5  tfscript run --log-format json --journal /var/log/tfscript.jsonl /opt/tf/nightly-scale-down.lua
--
-- `enabled = false` stops an endpoint and frees its replicas; morning-scale-up.lua starts it
-- again. Endpoints already stopped are skipped, so a second run changes (and plans) nothing.
-- PATTERN is a glob: `*` matches any run of characters, `?` one character.

local pattern = arg[1] or tf.vars.pattern or "test-*"

local targets = tf.endpoints.list{name = pattern, enabled = true}
if #targets == 0 then
  tf.log.info("nothing to do: no enabled endpoint matches %s", pattern)
  return
end

for _, ep in ipairs(targets) do
  tf.endpoints.patch(ep, {enabled = false})
  tf.log.info("%s %s (%s, %s)", tf.dry_run and "would stop" or "stopping", ep.name, ep.endpoint_id, ep.region)
end

print(string.format("%d endpoint(s) matching %s %s", #targets, pattern,
  tf.dry_run and "would be stopped" or "are stopping"))
