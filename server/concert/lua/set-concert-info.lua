-- Fills the concert info cache, unless the concert changed since the caller read the database
-- (an invalidation bumps the version; writing then would put stale data back for an hour).
-- KEYS[1]  concert info hash
-- KEYS[2]  version counter of that concert
-- ARGV[1]  version the caller saw before reading the database ("" when there was none)
-- ARGV[2]  TTL in seconds
-- ARGV[3..] field, value, field, value, ...
-- Returns 1 when cached, 0 when skipped because the version moved.
local seen = redis.call('GET', KEYS[2]) or ''
if seen ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
