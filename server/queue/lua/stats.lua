-- stats: one consistent snapshot of a concert's waiting room for operators (read-only).
-- KEYS[1] waiting         ZSET
-- KEYS[2] active-expiry   ZSET userId -> ms the active slot ends
-- KEYS[3] max-active      STRING operator policy
-- KEYS[4] admitted-total  STRING counter
-- KEYS[5] admissions      ZSET entry id -> ms admitted
-- ARGV[1] rate window in ms
-- Returns {waiting, active, maxActive or -1, admittedTotal, admissionsInWindow}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {
  redis.call('ZCARD', KEYS[1]),
  redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf'),
  tonumber(redis.call('GET', KEYS[3]) or '-1'),
  tonumber(redis.call('GET', KEYS[4]) or '0'),
  redis.call('ZCOUNT', KEYS[5], now - tonumber(ARGV[1]), '+inf'),
}
