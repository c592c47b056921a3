-- watch-batch: where many entries of one concert stand, for the watch hub's tick: the line's shared
-- figures (rate, policy, length, version) are read once for all of this process's watchers of the
-- concert, and each entry costs one ZSCORE + ZRANK (read-only).
-- KEYS[1] waiting        ZSET userId -> entry id
-- KEYS[2] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[3] admissions     ZSET entry id -> ms admitted
-- KEYS[4] max-active     STRING operator policy
-- KEYS[5] version        STRING change counter
-- KEYS[6] active base    "<prefix>queue:{c}:active:" (per-user active key = base .. userId)
-- KEYS[7] opening        HASH at, drawn, first, ... (see enter.lua)
-- KEYS[8] pre            ZSET "<drawKey>:<userId>" in drawn order
-- KEYS[9] pre-fans       HASH userId -> "<drawKey>:<nonce>"
-- KEYS[10] sold-out      STRING set when every seat is sold
-- KEYS[11] slots         STRING admission cap from the inventory; absent = none
-- ARGV[1] rate window in ms
-- ARGV[2], ARGV[3], ... userId, entry id pairs (entry 0: the user's pre-queue entry, see status.lua)
-- Returns {version, admissionsInWindow, maxActive or -1, waiting, {state, positionOrExpiresAtMs, ...}}
--   state: 1 WAITING (position), 2 ACTIVE (expiresAtMs), 3 EXPIRED (0), 4 BEFORE_OPEN (the opening's ms), 5 SOLD_OUT (0)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = redis.call('HMGET', KEYS[7], 'drawn', 'first', 'at')
local drawn, first = op[1] == '1', tonumber(op[2] or '0')
local soldOut = redis.call('EXISTS', KEYS[10]) == 1
local out = {}
for i = 2, #ARGV, 2 do
  local uid, entry = ARGV[i], tonumber(ARGV[i + 1])
  local before = false
  if entry == 0 then
    local pf = redis.call('HGET', KEYS[9], uid)
    if not pf then
      entry = -1
    elseif not drawn then
      before = true
    else
      local r = redis.call('ZRANK', KEYS[8], string.sub(pf, 1, 64) .. ':' .. uid)
      entry = r and first + r or -1
    end
  end
  if before then
    out[#out + 1] = 4
    out[#out + 1] = tonumber(op[3] or '0')
  elseif tonumber(redis.call('ZSCORE', KEYS[1], uid)) == entry then
    out[#out + 1] = 1
    out[#out + 1] = redis.call('ZRANK', KEYS[1], uid) + 1
  elseif tonumber(redis.call('GET', KEYS[6] .. uid)) == entry then
    out[#out + 1] = 2
    out[#out + 1] = tonumber(redis.call('ZSCORE', KEYS[2], uid))
  else
    out[#out + 1] = soldOut and 5 or 3
    out[#out + 1] = 0
  end
end
local max = tonumber(redis.call('GET', KEYS[4]) or '-1')
local cap = tonumber(redis.call('GET', KEYS[11]) or '-1')
if cap >= 0 and (max < 0 or cap < max) then max = cap end
return {
  redis.call('GET', KEYS[5]) or '0',
  redis.call('ZCOUNT', KEYS[3], now - tonumber(ARGV[1]), '+inf'),
  max,
  redis.call('ZCARD', KEYS[1]),
  out,
}
