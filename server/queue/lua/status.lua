-- status: where one entry stands, read in one step so position, state and rate agree (read-only).
-- KEYS[1] seq            STRING arrival counter (entry ids issued so far)
-- KEYS[2] waiting        ZSET userId -> entry id
-- KEYS[3] active         STRING active session of this user (entry id)
-- KEYS[4] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[5] admissions     ZSET entry id -> ms admitted
-- KEYS[6] max-active     STRING operator policy
-- KEYS[7] opening        HASH at, drawn, first, ... (see enter.lua)
-- KEYS[8] pre            ZSET "<drawKey>:<userId>" in drawn order
-- KEYS[9] pre-fans       HASH userId -> "<drawKey>:<nonce>"
-- KEYS[10] sold-out      STRING set when every seat is sold
-- KEYS[11] slots         STRING admission cap from the inventory; absent = none
-- ARGV[1] userId
-- ARGV[2] entry id from the token (0: the user's pre-queue entry, or the entry it was drawn into)
-- ARGV[3] rate window in ms
-- Returns {state, position, expiresAtMs (BEFORE_OPEN: the opening's ms), admissionsInWindow, maxActive or -1, waiting, nonce}
--   state: 0 UNKNOWN (never issued by this Redis), 1 WAITING, 2 ACTIVE, 3 EXPIRED, 4 BEFORE_OPEN, 5 SOLD_OUT
--   maxActive is the admission limit in force (the inventory's cap when lower).
local uid, entry = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local issued = tonumber(redis.call('GET', KEYS[1]) or '0')
if entry > issued then
  return {0, 0, 0, 0, -1, 0, ''}
end
local recent = redis.call('ZCOUNT', KEYS[5], now - tonumber(ARGV[3]), '+inf')
local max = tonumber(redis.call('GET', KEYS[6]) or '-1')
local cap = tonumber(redis.call('GET', KEYS[11]) or '-1')
if cap >= 0 and (max < 0 or cap < max) then max = cap end
local waiting = redis.call('ZCARD', KEYS[2])
local nonce = ''
if entry == 0 then
  local pf = redis.call('HGET', KEYS[9], uid)
  if not pf then return {redis.call('EXISTS', KEYS[10]) == 1 and 5 or 3, 0, 0, recent, max, waiting, ''} end
  nonce = string.sub(pf, 66)
  local op = redis.call('HMGET', KEYS[7], 'drawn', 'first', 'at')
  if op[1] ~= '1' then return {4, 0, tonumber(op[3] or '0'), recent, max, waiting, nonce} end
  local r = redis.call('ZRANK', KEYS[8], string.sub(pf, 1, 64) .. ':' .. uid)
  entry = r and tonumber(op[2]) + r or -1
end
if tonumber(redis.call('ZSCORE', KEYS[2], uid)) == entry then
  return {1, redis.call('ZRANK', KEYS[2], uid) + 1, 0, recent, max, waiting, nonce}
end
if tonumber(redis.call('GET', KEYS[3])) == entry then
  return {2, 0, tonumber(redis.call('ZSCORE', KEYS[4], uid)), recent, max, waiting, nonce}
end
if redis.call('EXISTS', KEYS[10]) == 1 then return {5, 0, 0, recent, max, waiting, nonce} end
return {3, 0, 0, recent, max, waiting, nonce}
