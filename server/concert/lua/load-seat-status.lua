-- Loads a schedule's seat-status hash from a database snapshot, unless it already exists
-- (a hash that exists is maintained by the hold scripts and is at least as fresh as the snapshot).
-- KEYS[1]  seat-status hash of the schedule
-- ARGV     seat number, status, seat number, status, ... (status AVAILABLE | HELD | SOLD)
-- Returns 1 when loaded, 0 when the hash was already there.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
-- HSET in chunks: Lua's unpack() is limited to a few thousand values.
local chunk = 1000
for i = 1, #ARGV, chunk do
  local last = math.min(i + chunk - 1, #ARGV)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
end
return 1
