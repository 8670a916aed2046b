-- cleanup-disabled.lua: delete endpoints that have been disabled for more than N days.
--
--   tfscript run --dry-run --plan-out cleanup.json examples/cleanup-disabled.lua 14
--   tfscript apply cleanup.json                     # after reviewing the plan
--
-- Arguments: DAYS (default 14, or --var days=N). Only names matching --var pattern=GLOB
-- (default 'test-*') are considered, so production endpoints are never candidates by accident.
--
-- "Disabled since" is read from the first timestamp field present: disabled_at, stopped_at,
-- updated_at (RFC 3339, e.g. 2026-11-04T09:30:00Z). Endpoints without one are skipped and
-- reported, never deleted on a guess. Deletion is permanent: run with --dry-run first.

local days = tonumber(arg[1] or tf.vars.days or "14")
if not days or days < 0 then
  error("DAYS must be a number of days, got " .. tostring(arg[1] or tf.vars.days))
end
local pattern = tf.vars.pattern or "test-*"

-- os.time() reads a date table as local time; this converts an RFC 3339 UTC timestamp.
local function utc_seconds(stamp)
  local y, mo, d, h, mi, s = tostring(stamp):match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
  if not y then return nil end
  local t = {year = tonumber(y), month = tonumber(mo), day = tonumber(d),
             hour = tonumber(h), min = tonumber(mi), sec = tonumber(s)}
  local now = os.time()
  local offset = os.difftime(os.time(os.date("*t", now)), os.time(os.date("!*t", now)))
  return os.time(t) + offset
end

local cutoff = os.time() - days * 86400
local deleted, skipped = 0, 0

for _, ep in ipairs(tf.endpoints.list{name = pattern, enabled = false}) do
  local stamp = ep.disabled_at or ep.stopped_at or ep.updated_at
  local since = stamp and stamp ~= tf.json.null and utc_seconds(stamp)
  if not since then
    skipped = skipped + 1
    tf.log.warn("skipping %s (%s): no timestamp tells since when it is disabled", ep.name, ep.endpoint_id)
  elseif since < cutoff then
    tf.endpoints.delete(ep)
    deleted = deleted + 1
    tf.log.info("%s %s (%s), disabled since %s", tf.dry_run and "would delete" or "deleted", ep.name, ep.endpoint_id, stamp)
  end
end

print(string.format("%d endpoint(s) %s, %d skipped (older than %d days, matching %s)",
  deleted, tf.dry_run and "would be deleted" or "deleted", skipped, days, pattern))
