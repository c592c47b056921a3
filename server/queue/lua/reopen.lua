-- reopen: lifts a concert's sold-out flag when seats are free again (a new date, or seats the database
-- gave back). Fans whose tickets turned SOLD_OUT queue again with IssueToken.
-- KEYS[1] sold-out  STRING the flag
-- KEYS[2] version   STRING change counter for watchers
-- Returns 1 when the flag was lifted, 0 when there was none.
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('INCR', KEYS[2])
return 1
