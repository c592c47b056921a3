-- list-waiting: one page of the line with when each fan joined (read-only).
-- KEYS[1] waiting  ZSET userId -> entry id
-- KEYS[2] entered  HASH userId -> ms joined
-- ARGV[1] offset from the head (0-based)
-- ARGV[2] how many
-- Returns {userId, enteredAtMs, ...}
local first = tonumber(ARGV[1])
local users = redis.call('ZRANGE', KEYS[1], first, first + tonumber(ARGV[2]) - 1)
local out = {}
for _, uid in ipairs(users) do
  out[#out + 1] = uid
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[2], uid) or '0')
end
return out
