-- The fast gate of HoldSeats: sets every seat's hold key only if all of them are free, and marks
-- the seats HELD in the schedule's seat-status hash. All or nothing, in one atomic step.
-- KEYS[1]        seat-status hash of the schedule
-- KEYS[2..n+1]   hold key of each requested seat
-- ARGV[1]        holder (user id), stored as the hold keys' value
-- ARGV[2]        hold TTL in milliseconds
-- ARGV[3..n+2]   seat numbers, in the order of KEYS[2..n+1]
-- Returns {HoldGateOutcome.ALL_HELD} or {HoldGateOutcome.SEAT_TAKEN, seat, ...} (seat.ts).
--#include seat-status-tally.lua
local hash = redis.call('EXISTS', KEYS[1]) == 1
local taken = {}
for i = 2, #KEYS do
  local seat = ARGV[i + 1]
  if redis.call('EXISTS', KEYS[i]) == 1 then
    taken[#taken + 1] = seat
    -- A live hold key outranks a stale AVAILABLE in the hash (e.g. a hash reloaded from an older snapshot).
    if hash and redis.call('HGET', KEYS[1], seat) == 'AVAILABLE' then
      setStatus(seat, 'HELD')
    end
  elseif hash and redis.call('HGET', KEYS[1], seat) == 'SOLD' then
    taken[#taken + 1] = seat
  end
end
if #taken > 0 then
  return {1, unpack(taken)}
end
for i = 2, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
  -- Only an existing hash is updated: a partial one would look complete to ListSeats.
  if hash then
    setStatus(ARGV[i + 1], 'HELD')
  end
end
return {0}
