-- get-draw: the public record of a concert's draw, read in one step (read-only).
-- KEYS[1] opening  HASH at, seed, commitment, drawn, drawnAt, ...
-- KEYS[2] pre      ZSET "<drawKey>:<userId>" in drawn order (the record; user ids are cut off by the caller)
-- Returns {found, at, commitment, drawn, drawnAt, seed or "", {member, ...} (only once drawn)}; found 0 = hash missing.
local op = redis.call('HMGET', KEYS[1], 'at', 'commitment', 'drawn', 'drawnAt', 'seed')
if not op[1] then return {0, '', '', '', '', '', {}} end
if op[3] ~= '1' then return {1, op[1], op[2] or '', '0', '', '', {}} end
return {1, op[1], op[2] or '', '1', op[4] or '', op[5] or '', redis.call('ZRANGE', KEYS[2], 0, -1)}
