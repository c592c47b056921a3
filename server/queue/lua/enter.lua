-- enter: put a user in a concert's line, or return the entry they already have (IssueToken is idempotent).
-- KEYS[1] seq            STRING arrival counter (entry ids)
-- KEYS[2] waiting        ZSET userId -> entry id
-- KEYS[3] entries        HASH userId -> current entry id
-- KEYS[4] entered        HASH userId -> ms joined
-- KEYS[5] active         STRING active session of this user (entry id, PXAT)
-- KEYS[6] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[7] version        STRING change counter for watchers
-- ARGV[1] userId
-- Returns {entryId, state, position, expiresAtMs, isNew, endedByTtl}
--   state: 1 WAITING, 2 ACTIVE. endedByTtl = 1 when a timed-out active slot was found and ended here.
local uid = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local endedByTtl = 0
local current = redis.call('HGET', KEYS[3], uid)
if current then
  local rank = redis.call('ZRANK', KEYS[2], uid)
  if rank then
    return {tonumber(current), 1, rank + 1, 0, 0, 0}
  end
  if redis.call('GET', KEYS[5]) == current then
    return {tonumber(current), 2, 0, tonumber(redis.call('ZSCORE', KEYS[6], uid)), 0, 0}
  end
  -- The active slot timed out and no sweeper has ended it yet: end it here, then queue again at the back.
  redis.call('ZREM', KEYS[6], uid)
  redis.call('INCR', KEYS[7])
  endedByTtl = 1
end
local id = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], id, uid)
redis.call('HSET', KEYS[3], uid, id)
redis.call('HSET', KEYS[4], uid, now)
return {id, 1, redis.call('ZRANK', KEYS[2], uid) + 1, 0, 1, endedByTtl}
