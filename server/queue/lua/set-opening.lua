-- set-opening: an operator moves a concert's opening (UpdateConcert). Refused once the opening has
-- passed (the draw ran, or is due), atomically with the draw in admit.lua. The draw's secret is kept
-- from the first call on: a pre-queue's draw keys and the published commitment stay valid.
-- KEYS[1] opening  HASH at (ms, 0 = none), seed, commitment, drawn, first, count, drawnAt
-- KEYS[2] version  STRING change counter for watchers (moving the opening changes no place, but
--                  tickets show it in their poll hint)
-- ARGV[1] new opening in ms; "now" clears it: open now (a waiting pre-queue is drawn at once)
-- ARGV[2] seed (64 hex) to fix if none is yet
-- ARGV[3] its commitment
-- Returns {0, seed, commitment} (the secret in force) or {-2, drawnAtOrAt}: the opening has passed.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = redis.call('HMGET', KEYS[1], 'at', 'drawn', 'seed', 'commitment')
local at = tonumber(op[1] or '0')
if op[2] == '1' or (at > 0 and now >= at) then return {-2, at} end
local new = ARGV[1] == 'now' and now or tonumber(ARGV[1])
if new < 1 then new = now end
redis.call('HSET', KEYS[1], 'at', new)
redis.call('HSETNX', KEYS[1], 'seed', ARGV[2])
redis.call('HSETNX', KEYS[1], 'commitment', ARGV[3])
redis.call('INCR', KEYS[2])
return {0, redis.call('HGET', KEYS[1], 'seed'), redis.call('HGET', KEYS[1], 'commitment')}
