-- status: where one entry stands, read in one step so position, state and rate agree (read-only).
-- KEYS[1] seq            STRING arrival counter (entry ids issued so far)
-- KEYS[2] entries        HASH userId -> current entry id
-- KEYS[3] waiting        ZSET userId -> entry id
-- KEYS[4] active         STRING active session of this user
-- KEYS[5] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[6] admissions     ZSET entry id -> ms admitted
-- KEYS[7] max-active     STRING operator policy
-- ARGV[1] userId
-- ARGV[2] entry id from the token
-- ARGV[3] rate window in ms
-- Returns {state, position, expiresAtMs, admissionsInWindow, maxActive or -1}
--   state: 0 UNKNOWN (never issued by this Redis), 1 WAITING, 2 ACTIVE, 3 EXPIRED
local uid, entry = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local issued = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(entry) > issued then
  return {0, 0, 0, 0, -1}
end
local recent = redis.call('ZCOUNT', KEYS[6], now - tonumber(ARGV[3]), '+inf')
local max = tonumber(redis.call('GET', KEYS[7]) or '-1')
if redis.call('HGET', KEYS[2], uid) == entry then
  local rank = redis.call('ZRANK', KEYS[3], uid)
  if rank then
    return {1, rank + 1, 0, recent, max}
  end
  if redis.call('GET', KEYS[4]) == entry then
    return {2, 0, tonumber(redis.call('ZSCORE', KEYS[5], uid)), recent, max}
  end
end
return {3, 0, 0, recent, max}
