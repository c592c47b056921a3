-- enter: IssueToken in one step. Puts a user in a concert's line (or returns the entry they already
-- have: IssueToken is idempotent), fills free active slots from the head so a newcomer to a line with
-- room is admitted at once, and reports everything the ticket needs, so IssueToken is one round trip.
-- The user's current entry is derived, not stored: its score in `waiting`, else the value of its
-- active key; join times come from the sparse `clock` checkpoints (no per-fan hash).
-- Before the concert's opening (SPEC 7.3) a newcomer goes to the pre-queue instead, keyed by the draw
-- key the caller computed; their token's entry is 0 ("my drawn entry", resolved through pre-fans).
-- KEYS[1] seq             STRING arrival counter (entry ids)
-- KEYS[2] waiting         ZSET userId -> entry id
-- KEYS[3] active          STRING active session of this user (entry id, PXAT)
-- KEYS[4] active-expiry   ZSET userId -> ms the active slot ends
-- KEYS[5] version         STRING change counter for watchers
-- KEYS[6] max-active      STRING operator policy (absent = ARGV[3])
-- KEYS[7] admitted-total  STRING counter
-- KEYS[8] admissions      ZSET entry id -> ms admitted (rate window)
-- KEYS[9] active base     "<prefix>queue:{c}:active:" (per-user active key = base .. userId)
-- KEYS[10] clock          ZSET entry id -> ms: a checkpoint at most every ARGV[6] ms (join times)
-- KEYS[11] listed         STRING set once the concert is in the ticker's set (see unlist.lua)
-- KEYS[12] opening        HASH at (ms, 0 = none), seed, commitment, drawn, first, count, drawnAt
-- KEYS[13] pre            ZSET (all scores 0) "<drawKey>:<userId>": lexical order = drawn order
-- KEYS[14] pre-fans       HASH userId -> "<drawKey>:<nonce>"
-- KEYS[15] sold-out       STRING set when every seat is sold: the line has ended
-- KEYS[16] slots          STRING admission cap from the inventory (AUTO mode, no free seat); absent = none
-- ARGV[1] userId
-- ARGV[2] active TTL in ms
-- ARGV[3] default max_active (QUEUE_MAX_ACTIVE)
-- ARGV[4] rate window in ms
-- ARGV[5] most slots to fill in this call
-- ARGV[6] clock checkpoint spacing in ms
-- ARGV[7] "1": max-active must be present (the policy lives in MySQL); if Redis lost it, admit no one
--         here and say so (policyMissing): the caller restores it from MySQL and runs this again, so a
--         flush never opens a paused sale
-- ARGV[8] the opening's `at` as the caller knows it (its draw key is computed with that seed)
-- ARGV[9] the caller's draw key for this user ("" when the caller knows of no opening)
-- ARGV[10] the draw nonce that key was computed with
-- Returns {entryId, state, position, expiresAtMs, isNew, endedByTtl, positionAtEntry, waiting,
--          admissionsInWindow, maxActive, needsListing, {admitted userId, entryId, expiresAtMs, ...}, policyMissing,
--          opening, nonce, at, seed, commitment}
--   state: 1 WAITING, 2 ACTIVE, 4 BEFORE_OPEN, 5 SOLD_OUT. endedByTtl = 1 when a timed-out active slot was found and ended here.
--   needsListing = 1: the caller must add the concert to the ticker's set, then set `listed`.
--   opening: 0 done; nothing was changed when 1 (the opening hash is missing: restore it from MySQL),
--   2 (the caller's `at` is stale: at, seed, commitment carry Redis' copy) or 3 (the draw is due: run admit first).
--#include fill-slots.lua
local uid = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = redis.call('HMGET', KEYS[12], 'at', 'drawn', 'seed', 'commitment', 'first')
if not op[1] then return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {}, 0, 1, '', '', '', ''} end
if op[1] ~= ARGV[8] then return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {}, 0, 2, '', op[1], op[3] or '', op[4] or ''} end
local at, drawn = tonumber(op[1]), op[2] == '1'
if at > 0 and not drawn and now >= at then return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {}, 0, 3, '', '', '', ''} end
local preOpen = at > 0 and not drawn

local endedByTtl, isNew = 0, 0
local entry = redis.call('ZSCORE', KEYS[2], uid)
local active = redis.call('GET', KEYS[3])
local posAtEntry = 0
local nonce = ''
local pf = redis.call('HGET', KEYS[14], uid)
local needsListing = redis.call('EXISTS', KEYS[11]) == 0 and 1 or 0
local max = tonumber(redis.call('GET', KEYS[6]) or ARGV[3])
local soldOut = redis.call('EXISTS', KEYS[15]) == 1
if not entry and not active then
  if soldOut then
    return {0, 5, 0, 0, 0, 0, 0, redis.call('ZCARD', KEYS[2]), 0, max, 0, {}, 0, 0, '', '', '', ''}
  end
  if preOpen then
    if pf then
      nonce = string.sub(pf, 66)
    else
      redis.call('ZADD', KEYS[13], 0, ARGV[9] .. ':' .. uid)
      redis.call('HSET', KEYS[14], uid, ARGV[9] .. ':' .. ARGV[10])
      nonce = ARGV[10]
      isNew = 1
    end
    return {0, 4, 0, 0, isNew, 0, 0, redis.call('ZCARD', KEYS[2]), 0, max, needsListing, {}, 0, 0, nonce, '', '', ''}
  end
  if redis.call('ZSCORE', KEYS[4], uid) then
    -- The active slot timed out and no admission step has ended it yet: end it here, then queue again.
    redis.call('ZREM', KEYS[4], uid)
    redis.call('INCR', KEYS[5])
    endedByTtl = 1
  end
  entry = redis.call('INCR', KEYS[1])
  redis.call('ZADD', KEYS[2], entry, uid)
  local last = redis.call('ZRANGE', KEYS[10], -1, -1, 'WITHSCORES')
  if #last == 0 or now - tonumber(last[1]) >= tonumber(ARGV[6]) then
    redis.call('ZADD', KEYS[10], entry, now)
  end
  -- No version bump: joining at the back moves no one else's place.
  isNew = 1
  posAtEntry = redis.call('ZRANK', KEYS[2], uid) + 1
end

-- Fill free slots from the head (first come, first served: the caller only if everyone ahead fits).
-- Live slots only: timed-out ones not yet swept by admit.lua hold no one. Nobody before the opening.
local limit = slotLimit(max, KEYS[16])
local free = limit - redis.call('ZCOUNT', KEYS[4], '(' .. now, '+inf')
local policyMissing = 0
if ARGV[7] == '1' and redis.call('EXISTS', KEYS[6]) == 0 then free, policyMissing = 0, 1 end
if preOpen or soldOut then free = 0 end
if free > tonumber(ARGV[5]) then free = tonumber(ARGV[5]) end
local admitted = fillSlots({ waiting = KEYS[2], activeExpiry = KEYS[4], activeBase = KEYS[9], admissions = KEYS[8], admittedTotal = KEYS[7] },
  free, now, tonumber(ARGV[2]))
if #admitted > 0 then redis.call('INCR', KEYS[5]) end

local recent = redis.call('ZCOUNT', KEYS[8], now - tonumber(ARGV[4]), '+inf')
local waiting = redis.call('ZCARD', KEYS[2])
local state, position, expiresAt = 1, 0, 0
local rank = redis.call('ZRANK', KEYS[2], uid)
if rank then
  position = rank + 1
else
  state = 2
  entry = redis.call('GET', KEYS[3])
  expiresAt = tonumber(redis.call('ZSCORE', KEYS[4], uid))
end
-- A drawn entrant keeps the token of their pre-queue entry (entry 0) while their drawn entry lives.
if drawn and pf and isNew == 0 then
  local r = redis.call('ZRANK', KEYS[13], string.sub(pf, 1, 64) .. ':' .. uid)
  if r and tonumber(op[5]) + r == tonumber(entry) then
    entry = 0
    nonce = string.sub(pf, 66)
  end
end
-- A paused or capped line reports the cap that holds it back.
return {tonumber(entry), state, position, expiresAt, isNew, endedByTtl, posAtEntry, waiting, recent, limit, needsListing, admitted, policyMissing, 0, nonce, '', '', ''}
