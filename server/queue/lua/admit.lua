-- admit: run the opening draw when it is due, end timed-out active slots, then fill free slots from the
-- head of the line. Atomic, so any number of server processes may run it at once: the draw happens
-- exactly once and ACTIVE never exceeds max_active (nor the inventory's cap).
-- KEYS[1] waiting         ZSET userId -> entry id
-- KEYS[2] active-expiry   ZSET userId -> ms the active slot ends
-- KEYS[3] max-active      STRING operator policy (absent = ARGV[2])
-- KEYS[4] admitted-total  STRING counter
-- KEYS[5] admissions      ZSET entry id -> ms admitted (rate window)
-- KEYS[6] clock           ZSET entry id -> ms (join-time checkpoints; trimmed to the head of the line)
-- KEYS[7] version         STRING change counter for watchers
-- KEYS[8] active base     "<prefix>queue:{c}:active:" — passed through KEYS so the client's key prefix is
--                         applied; the per-user key is this base plus the user id (same hash tag, same slot).
-- KEYS[9] opening         HASH at (ms, 0 = none), seed, commitment, drawn, first, count, drawnAt
-- KEYS[10] pre            ZSET (all scores 0) "<drawKey>:<userId>": lexical order = drawn order
-- KEYS[11] seq            STRING arrival counter (entry ids)
-- KEYS[12] sold-out       STRING set when every seat is sold: nobody is admitted any more
-- KEYS[13] slots          STRING admission cap from the inventory; absent = none
-- ARGV[1] active TTL in ms
-- ARGV[2] default max_active (QUEUE_MAX_ACTIVE)
-- ARGV[3] rate window in ms
-- ARGV[4] most slots to expire or fill in one call (bounds the script's run time)
-- ARGV[5] "1": max-active must be present (the policy lives in MySQL); if Redis lost it, do nothing and
--         return {{}, {}, -1, -1} so the caller restores it first: a flush never opens a paused sale
-- Returns {{expired userId...}, {admitted userId, entryId, expiresAtMs, ...}, waiting, active, drawn, at, commitment}
--   drawn: how many pre-queue entrants this call drew (-1: no draw ran here); the opening hash missing
--   returns {{}, {}, -2, -2, -1} (restore it from MySQL first).
--   The draw: entrants in ascending draw key order get entry ids seq+1.. (behind anyone already in line,
--   ahead of every later arrival); an entrant's token (entry 0) resolves to first + rank in `pre`.
--#include fill-slots.lua
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[3]) == 0 then return {{}, {}, -1, -1, -1} end
local op = redis.call('HMGET', KEYS[9], 'at', 'drawn', 'commitment')
if not op[1] then return {{}, {}, -2, -2, -1} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local batch = tonumber(ARGV[4])
local changed = false
local at = tonumber(op[1])
local preOpen = at > 0 and op[2] ~= '1' and now < at
local drew = -1
if at > 0 and op[2] ~= '1' and now >= at then
  local members = redis.call('ZRANGE', KEYS[10], 0, -1)
  local base = tonumber(redis.call('GET', KEYS[11]) or '0')
  for i, m in ipairs(members) do
    redis.call('ZADD', KEYS[1], base + i, string.sub(m, 66))
  end
  redis.call('SET', KEYS[11], base + #members)
  redis.call('HSET', KEYS[9], 'drawn', '1', 'first', base + 1, 'count', #members, 'drawnAt', now)
  if #members > 0 then redis.call('ZADD', KEYS[6], base + 1, now) end
  drew = #members
  changed = true
end

local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, batch)
for _, uid in ipairs(expired) do
  redis.call('ZREM', KEYS[2], uid)
  redis.call('DEL', KEYS[8] .. uid)
  changed = true
end

local max = slotLimit(tonumber(redis.call('GET', KEYS[3]) or ARGV[2]), KEYS[13])
local free = max - redis.call('ZCARD', KEYS[2])
if preOpen or redis.call('EXISTS', KEYS[12]) == 1 then free = 0 end
if free > batch then free = batch end
local admitted = fillSlots({ waiting = KEYS[1], activeExpiry = KEYS[2], activeBase = KEYS[8], admissions = KEYS[5], admittedTotal = KEYS[4] },
  free, now, tonumber(ARGV[1]))
if #admitted > 0 then changed = true end
-- Checkpoints older than the one covering the head of the line can date no one any more.
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local keep = #head > 0 and redis.call('ZREVRANGEBYSCORE', KEYS[6], head[2], '-inf', 'WITHSCORES', 'LIMIT', 0, 1) or {}
if #keep > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. keep[2])
elseif #head == 0 then
  redis.call('DEL', KEYS[6])
end
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[3]))
if changed then redis.call('INCR', KEYS[7]) end
return {expired, admitted, redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), drew, op[1], op[3] or ''}
