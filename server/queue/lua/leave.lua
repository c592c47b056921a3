-- leave: take a user out of the line or out of their active slot (LeaveQueue, RemoveFromQueue, Pay).
-- The user's current entry is derived: its score in `waiting`, else the value of its active key.
-- KEYS[1] waiting        ZSET userId -> entry id
-- KEYS[2] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[3] active         STRING active session of this user (entry id)
-- KEYS[4] version        STRING change counter for watchers
-- ARGV[1] userId
-- ARGV[2] entry id the caller holds, or "" for whatever entry the user has (operator, payment)
-- Returns {was}: 1 was WAITING, 2 was ACTIVE, 3 the active slot had already timed out (ended now),
--   or a failure code (QueueScriptFailure): -1 no current entry / not the caller's entry.
local uid, want = ARGV[1], tonumber(ARGV[2])
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
