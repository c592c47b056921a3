-- list-waiting: one page of the line with when each fan joined (read-only).
-- KEYS[1] waiting  ZSET userId -> entry id
-- KEYS[2] clock    ZSET entry id -> ms: the latest checkpoint at or before an entry dates it
-- ARGV[1] offset from the head (0-based)
-- ARGV[2] how many
-- Returns {userId, enteredAtMs, ...}
local first = tonumber(ARGV[1])
local page = redis.call('ZRANGE', KEYS[1], first, first + tonumber(ARGV[2]) - 1, 'WITHSCORES')
local out = {}
for i = 1, #page, 2 do
  local at = redis.call('ZREVRANGEBYSCORE', KEYS[2], page[i + 1], '-inf', 'LIMIT', 0, 1)
  out[#out + 1] = page[i]
  out[#out + 1] = tonumber(at[1] or '0')
end
return out
