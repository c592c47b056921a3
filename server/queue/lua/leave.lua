-- leave: take a user out of the line or out of their active slot (LeaveQueue, RemoveFromQueue, Pay).
-- KEYS[1] waiting        ZSET userId -> entry id
-- KEYS[2] active-expiry  ZSET userId -> ms the active slot ends
-- KEYS[3] entries        HASH userId -> current entry id
-- KEYS[4] entered        HASH userId -> ms joined
-- KEYS[5] active         STRING active session of this user
-- KEYS[6] version        STRING change counter for watchers
-- ARGV[1] userId
-- ARGV[2] entry id the caller holds, or "" for whatever entry the user has (operator, payment)
-- Returns {was}: 1 was WAITING, 2 was ACTIVE, 3 the active slot had already timed out (ended now),
--   or a failure code (QueueScriptFailure): -1 no current entry / not the caller's entry.
local uid = ARGV[1]
local current = redis.call('HGET', KEYS[3], uid)
if not current or (ARGV[2] ~= '' and ARGV[2] ~= current) then
  return {-1}
end
local was = 3
if redis.call('ZREM', KEYS[1], uid) == 1 then
  was = 1
elseif redis.call('GET', KEYS[5]) == current then
  was = 2
end
redis.call('ZREM', KEYS[2], uid)
redis.call('DEL', KEYS[5])
redis.call('HDEL', KEYS[3], uid)
redis.call('HDEL', KEYS[4], uid)
redis.call('INCR', KEYS[6])
return {was}
