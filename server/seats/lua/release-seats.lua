-- Drops a holder's hold keys after the database released, sold or refused the seats, and records
-- the new status. A key now owned by someone else (a newer gate) is left alone, and so is its status,
-- except SOLD, which is final in the database.
-- KEYS[1]        seat-status hash of the schedule
-- KEYS[2..n+1]   hold key of each seat
-- ARGV[1]        holder (user id) whose keys may be dropped
-- ARGV[2]        new status for the hash: AVAILABLE, SOLD, or "" to leave the hash as it is
-- ARGV[3..n+2]   seat numbers, in the order of KEYS[2..n+1]
-- Returns the number of hold keys dropped.
--#include seat-status-tally.lua
local hash = redis.call('EXISTS', KEYS[1]) == 1
local dropped = 0
for i = 2, #KEYS do
  local seat = ARGV[i + 1]
  local owner = redis.call('GET', KEYS[i])
  local mine = (not owner) or owner == ARGV[1]
  if owner and mine then
    redis.call('DEL', KEYS[i])
    dropped = dropped + 1
  end
  if hash and ARGV[2] ~= '' and (mine or ARGV[2] == 'SOLD') then
    setStatus(seat, ARGV[2])
  end
end
return dropped
