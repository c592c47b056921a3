-- leave: take a user out of the line, the pre-queue or their active slot (LeaveQueue, RemoveFromQueue, Pay).
-- The user's current entry is derived: its score in `waiting`, else the value of its active key.
-- KEYS[1] waiting        ZSET userId -> entry id
-- KEYS[2] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[3] active         STRING active session of this user (entry id)
-- KEYS[4] version        STRING change counter for watchers
-- KEYS[5] opening        HASH at, drawn, first, ... (see enter.lua)
-- KEYS[6] pre            ZSET "<drawKey>:<userId>" in drawn order
-- KEYS[7] pre-fans       HASH userId -> "<drawKey>:<nonce>"
-- ARGV[1] userId
-- ARGV[2] entry id the caller holds ("0": the pre-queue entry or the entry it was drawn into), or ""
--         for whatever entry the user has (operator, payment)
-- Returns {was}: 1 was WAITING, 2 was ACTIVE, 3 the active slot had already timed out (ended now),
--   4 was in the pre-queue (before the draw), or a failure code (QueueScriptFailure): -1 no current
--   entry / not the caller's entry.
local uid, want = ARGV[1], tonumber(ARGV[2])
local pf = redis.call('HGET', KEYS[7], uid)
local op = redis.call('HMGET', KEYS[5], 'drawn', 'first')
if pf and op[1] ~= '1' and (want == nil or want == 0) then
  -- Before the draw: out of the pre-queue. The draw has not published anything yet, so no trace is kept.
  redis.call('ZREM', KEYS[6], string.sub(pf, 1, 64) .. ':' .. uid)
  redis.call('HDEL', KEYS[7], uid)
  redis.call('INCR', KEYS[4])
  return {4}
end
if want == 0 then
  if not pf then return {-1} end
  local r = redis.call('ZRANK', KEYS[6], string.sub(pf, 1, 64) .. ':' .. uid)
  if not r then return {-1} end
  want = tonumber(op[2]) + r
end
local waitingEntry = redis.call('ZSCORE', KEYS[1], uid)
local activeEntry = redis.call('GET', KEYS[3])
local was
if waitingEntry then
  if want and tonumber(waitingEntry) ~= want then return {-1} end
  redis.call('ZREM', KEYS[1], uid)
  was = 1
elseif activeEntry then
  if want and tonumber(activeEntry) ~= want then return {-1} end
  redis.call('DEL', KEYS[3])
  redis.call('ZREM', KEYS[2], uid)
  was = 2
elseif redis.call('ZREM', KEYS[2], uid) == 1 then
  -- A slot that timed out (its key is gone) and was not swept yet: whoever asks, it has ended.
  was = 3
else
  return {-1}
end
redis.call('INCR', KEYS[4])
return {was}
