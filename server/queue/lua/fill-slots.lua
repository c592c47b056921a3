-- Included (not a script of its own) by enter.lua and admit.lua through `--#include`
-- (server/redis/lua-script.ts): the one copy of how free active slots are counted and filled from
-- the head of the line, so the one-step IssueToken and the admission step can never admit differently.
-- slotLimit(max, slotsKey): max_active, lowered to the inventory's cap (AUTO mode) when one is set.
-- fillSlots(q, free, now, ttlMs): pops up to `free` fans from the head of the line (first come, first
-- served) into active slots ending at now + ttlMs; returns {userId, entryId, expiresAtMs, ...}.
--   q: the keys it writes: waiting (ZSET userId -> entry id), activeExpiry (ZSET userId -> ms),
--   activeBase (per-user active key = base .. userId), admissions (ZSET entry id -> ms), admittedTotal.
local function slotLimit(max, slotsKey)
  local cap = tonumber(redis.call('GET', slotsKey) or '-1')
  if cap >= 0 and cap < max then return cap end
  return max
end
local function fillSlots(q, free, now, ttlMs)
  local admitted = {}
  if free <= 0 then return admitted end
  local head = redis.call('ZPOPMIN', q.waiting, free)
  local expiresAt = now + ttlMs
  for i = 1, #head, 2 do
    local u, e = head[i], head[i + 1]
    redis.call('SET', q.activeBase .. u, e, 'PXAT', expiresAt)
    redis.call('ZADD', q.activeExpiry, expiresAt, u)
    redis.call('ZADD', q.admissions, now, e)
    redis.call('INCR', q.admittedTotal)
    admitted[#admitted + 1] = u
    admitted[#admitted + 1] = e
    admitted[#admitted + 1] = expiresAt
  end
  return admitted
end
