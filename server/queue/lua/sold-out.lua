-- sold-out: ends a concert's line when every seat is sold (SPEC 7.3). Atomic with enter.lua, so a fan
-- either entered before (and is in the line this empties: their ticket turns SOLD_OUT) or sees the
-- flag and is answered SOLD_OUT at once; nobody is left WAITING in a line that will never move.
-- Active fans keep their slot (they may still pay for a hold).
-- KEYS[1] sold-out  STRING the flag
-- KEYS[2] waiting   ZSET userId -> entry id
-- KEYS[3] version   STRING change counter for watchers
-- KEYS[4] clock     ZSET join-time checkpoints
-- Returns the number of fans who were waiting, or -1 when the line had already ended.
if redis.call('SET', KEYS[1], '1', 'NX') == false then return -1 end
local n = redis.call('ZCARD', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('INCR', KEYS[3])
return n
