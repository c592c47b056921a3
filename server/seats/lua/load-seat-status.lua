-- Loads a schedule's seat-status hash from a database snapshot, unless it already exists
-- (a hash that exists is maintained by the hold scripts and is at least as fresh as the snapshot).
-- A seat the snapshot calls AVAILABLE but whose hold key exists is loaded as HELD: that hold's gate
-- ran while the hash was missing and its transaction may commit after the snapshot was read; if the
-- database refuses it, its release script sets the seat back to AVAILABLE.
-- KEYS[1]  seat-status hash of the schedule
-- KEYS[2]  common prefix of the schedule's hold keys (the hold key of seat n is KEYS[2] .. n); it
--          carries the same {s<schedule>} hash tag, so every key touched is in KEYS[1]'s slot
-- ARGV     seat number, status, seat number, status, ... (status AVAILABLE | HELD | SOLD)
-- Also writes the schedule's free/held/sold tally at KEYS[1] .. ':counts' (kept by the hold scripts from then on).
-- Returns 1 when loaded, 0 when the hash was already there.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] == 'AVAILABLE' and redis.call('EXISTS', KEYS[2] .. ARGV[i]) == 1 then
    ARGV[i + 1] = 'HELD'
  end
end
-- HSET in chunks: Lua's unpack() is limited to a few thousand values.
local chunk = 1000
for i = 1, #ARGV, chunk do
  local last = math.min(i + chunk - 1, #ARGV)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
end
local tally = {AVAILABLE = 0, HELD = 0, SOLD = 0}
for i = 2, #ARGV, 2 do tally[ARGV[i]] = (tally[ARGV[i]] or 0) + 1 end
redis.call('DEL', KEYS[1] .. ':counts')
redis.call('HSET', KEYS[1] .. ':counts', 'AVAILABLE', tally.AVAILABLE, 'HELD', tally.HELD, 'SOLD', tally.SOLD)
return 1
