-- restore-opening: puts a concert's opening back into Redis from MySQL when Redis has none (the first
-- IssueToken of a concert, or after Redis lost it). Fields already present win: set-opening.lua (an
-- operator's newer change) may have run since the caller read MySQL.
-- KEYS[1] opening  HASH at (ms, 0 = none), seed, commitment, ...
-- ARGV[1] at from MySQL (ms, 0 = none)
-- ARGV[2] seed ("" = none)
-- ARGV[3] commitment ("" = none)
-- Returns {at, seed, commitment} as now in force.
redis.call('HSETNX', KEYS[1], 'at', ARGV[1])
if ARGV[2] ~= '' then
  redis.call('HSETNX', KEYS[1], 'seed', ARGV[2])
  redis.call('HSETNX', KEYS[1], 'commitment', ARGV[3])
end
local op = redis.call('HMGET', KEYS[1], 'at', 'seed', 'commitment')
return {op[1], op[2] or '', op[3] or ''}
