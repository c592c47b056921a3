-- stats: one consistent snapshot of a concert's waiting room for operators (read-only).
-- KEYS[1] waiting         ZSET
-- KEYS[2] active-expiry   ZSET userId -> ms the active slot ends
-- KEYS[3] max-active      STRING operator policy
-- KEYS[4] admitted-total  STRING counter
-- KEYS[5] admissions      ZSET entry id -> ms admitted
-- KEYS[6] sold-out        STRING set when every seat is sold
-- KEYS[7] slots           STRING admission cap from the inventory; absent = none
-- ARGV[1] rate window in ms
-- Returns {waiting, active, maxActive or -1, admittedTotal, admissionsInWindow, soldOut, slots or -1}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return {
  redis.call('ZCARD', KEYS[1]),
  redis.call('ZCOUNT', KEYS[2], '(' .. now, '+inf'),
  tonumber(redis.call('GET', KEYS[3]) or '-1'),
  tonumber(redis.call('GET', KEYS[4]) or '0'),
  redis.call('ZCOUNT', KEYS[5], now - tonumber(ARGV[1]), '+inf'),
  redis.call('EXISTS', KEYS[6]),
  tonumber(redis.call('GET', KEYS[7]) or '-1'),
}
