-- watch-batch: where many entries of one concert stand, for the watch hub's tick: the line's shared
-- figures (rate, policy, length, version) are read once for all of this process's watchers of the
-- concert, and each entry costs one ZSCORE + ZRANK (read-only).
-- KEYS[1] waiting        ZSET userId -> entry id
-- KEYS[2] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[3] admissions     ZSET entry id -> ms admitted
-- KEYS[4] max-active     STRING operator policy
-- KEYS[5] version        STRING change counter
-- KEYS[6] active base    "<prefix>queue:{c}:active:" (per-user active key = base .. userId)
-- ARGV[1] rate window in ms
-- ARGV[2], ARGV[3], ... userId, entry id pairs
-- Returns {version, admissionsInWindow, maxActive or -1, waiting, {state, positionOrExpiresAtMs, ...}}
--   state: 1 WAITING (position), 2 ACTIVE (expiresAtMs), 3 EXPIRED (0)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i = 2, #ARGV, 2 do
  local uid, entry = ARGV[i], tonumber(ARGV[i + 1])
  if tonumber(redis.call('ZSCORE', KEYS[1], uid)) == entry then
    out[#out + 1] = 1
    out[#out + 1] = redis.call('ZRANK', KEYS[1], uid) + 1
  elseif tonumber(redis.call('GET', KEYS[6] .. uid)) == entry then
    out[#out + 1] = 2
    out[#out + 1] = tonumber(redis.call('ZSCORE', KEYS[2], uid))
  else
    out[#out + 1] = 3
    out[#out + 1] = 0
  end
end
return {
  redis.call('GET', KEYS[5]) or '0',
  redis.call('ZCOUNT', KEYS[3], now - tonumber(ARGV[1]), '+inf'),
  tonumber(redis.call('GET', KEYS[4]) or '-1'),
  redis.call('ZCARD', KEYS[1]),
  out,
}
