-- Included (not a script of its own) by hold-seats, release-seats and repair-seats through
-- `--#include` (server/redis/lua-script.ts): setStatus(seat, status) writes a seat's status into the
-- seat-status hash KEYS[1] and keeps the schedule's tally in step.
-- The schedule's free/held/sold tally (the waiting room's inventory signal) lives beside the status
-- hash at KEYS[1] .. ':counts' (same hash tag, same slot) and changes with every status written here
-- (a missing tally is left missing: seat-counts.lua recounts it from the hash).
local counts = KEYS[1] .. ':counts'
local tallied = redis.call('EXISTS', counts) == 1
local function setStatus(seat, new)
  local old = redis.call('HGET', KEYS[1], seat)
  if old == new then return end
  redis.call('HSET', KEYS[1], seat, new)
  if not tallied then return end
  if old then redis.call('HINCRBY', counts, old, -1) end
  redis.call('HINCRBY', counts, new, 1)
end
