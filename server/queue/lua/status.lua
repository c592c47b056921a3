-- status: where one entry stands, read in one step so position, state and rate agree (read-only).
-- KEYS[1] seq            STRING arrival counter (entry ids issued so far)
-- KEYS[2] waiting        ZSET userId -> entry id
-- KEYS[3] active         STRING active session of this user (entry id)
-- KEYS[4] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[5] admissions     ZSET entry id -> ms admitted
-- KEYS[6] max-active     STRING operator policy
-- ARGV[1] userId
-- ARGV[2] entry id from the token
-- ARGV[3] rate window in ms
-- Returns {state, position, expiresAtMs, admissionsInWindow, maxActive or -1, waiting}
--   state: 0 UNKNOWN (never issued by this Redis), 1 WAITING, 2 ACTIVE, 3 EXPIRED
local uid, entry = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local issued = tonumber(redis.call('GET', KEYS[1]) or '0')
if entry > issued then
  return {0, 0, 0, 0, -1, 0}
end
local recent = redis.call('ZCOUNT', KEYS[5], now - tonumber(ARGV[3]), '+inf')
local max = tonumber(redis.call('GET', KEYS[6]) or '-1')
local waiting = redis.call('ZCARD', KEYS[2])
if tonumber(redis.call('ZSCORE', KEYS[2], uid)) == entry then
  return {1, redis.call('ZRANK', KEYS[2], uid) + 1, 0, recent, max, waiting}
end
if tonumber(redis.call('GET', KEYS[3])) == entry then
  return {2, 0, tonumber(redis.call('ZSCORE', KEYS[4], uid)), recent, max, waiting}
end
return {3, 0, 0, recent, max, waiting}
