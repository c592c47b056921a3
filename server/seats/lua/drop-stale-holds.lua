-- Deletes hold keys the database does not back, each only if it still names the holder seen by the
-- drift check (a hold key set since then belongs to a new gate and is left alone).
-- KEYS[1..n]  hold key of each seat
-- ARGV[1..n]  holder (user id) the check saw in KEYS[i]
-- Returns the number of keys deleted.
local deleted = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i] then
    redis.call('DEL', KEYS[i])
    deleted = deleted + 1
  end
end
return deleted
