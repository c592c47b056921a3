-- seat-counts: a schedule's free/held/sold tally (the waiting room's inventory signal, read by the
-- admission ticker). Trusted only while the status hash exists; a tally missing beside an existing hash
-- (a hash loaded before tallies existed) is recounted here, once, atomically.
-- KEYS[1]  seat-status hash of the schedule (the tally is KEYS[1] .. ':counts', same slot)
-- Returns {AVAILABLE, HELD, SOLD}, or {-1, -1, -1} when the status hash is missing (reload it from the database).
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, -1, -1} end
local counts = KEYS[1] .. ':counts'
if redis.call('EXISTS', counts) == 0 then
  local tally = {AVAILABLE = 0, HELD = 0, SOLD = 0}
  for _, v in ipairs(redis.call('HVALS', KEYS[1])) do tally[v] = (tally[v] or 0) + 1 end
  redis.call('HSET', counts, 'AVAILABLE', tally.AVAILABLE, 'HELD', tally.HELD, 'SOLD', tally.SOLD)
end
local c = redis.call('HMGET', counts, 'AVAILABLE', 'HELD', 'SOLD')
return {tonumber(c[1] or '0'), tonumber(c[2] or '0'), tonumber(c[3] or '0')}
