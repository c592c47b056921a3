-- unlist: forget that a concert is in the ticker's set, unless someone is (again) waiting or active, or
-- a pre-queue still waits for its draw (the ticker runs the draw).
-- Runs after the caller removed the concert from that set; atomic with enter.lua's check of `listed`,
-- so an entry either sees `listed` gone (and re-adds the concert itself) or is counted here.
-- KEYS[1] waiting        ZSET
-- KEYS[2] active-expiry  ZSET
-- KEYS[3] listed         STRING
-- KEYS[4] pre            ZSET the pre-queue (kept after the draw as its record)
-- KEYS[5] opening        HASH drawn = "1" once the draw ran
-- Returns 1 when the line is busy (the caller adds the concert back), 0 when it was unlisted.
if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) > 0 then
  return 1
end
if redis.call('ZCARD', KEYS[4]) > 0 and redis.call('HGET', KEYS[5], 'drawn') ~= '1' then
  return 1
end
redis.call('DEL', KEYS[3])
return 0
