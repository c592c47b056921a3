-- Makes Redis agree with the database for some seats (the database wins): restores hold keys of
-- live holds (e.g. after Redis was flushed) and corrects the seat-status hash.
-- KEYS[1]        seat-status hash of the schedule
-- KEYS[2..n+1]   hold key of each seat
-- ARGV           per seat, 4 values in the order of KEYS[2..n+1]:
--                seat number, database status (AVAILABLE | HELD | SOLD), holder user id ("" if none),
--                remaining hold in milliseconds (0 if none)
-- Returns 0.
--#include seat-status-tally.lua
local hash = redis.call('EXISTS', KEYS[1]) == 1
for i = 2, #KEYS do
  local base = (i - 2) * 4
  local seat, status, holder, ttl = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], tonumber(ARGV[base + 4])
  if status == 'HELD' and holder ~= '' and ttl > 0 then
    redis.call('SET', KEYS[i], holder, 'PX', ttl)
  end
  if hash then
    -- AVAILABLE in the database but a hold key in Redis: a gate in flight, which will write its own outcome.
    if status ~= 'AVAILABLE' or redis.call('EXISTS', KEYS[i]) == 0 then
      setStatus(seat, status)
    end
  end
end
return 0
