package quota

import "github.com/redis/go-redis/v9"

// Results of reserveScript (its first element).
const (
	reserveMissing  = 0
	reserveAdmitted = 1
	reserveRefused  = 2
)

// Which limit refused a reservation (reserveScript's second element).
const (
	refusedCalls  = 1
	refusedTokens = 2
)

// reserveScript is admission in one step. KEYS: day hash, limits hash,
// rebuilt mark. ARGV: default call limit, default token limit. Answers
// {0} when the day's calls or the cached limits are missing,
// {1, calls after, tokens, rebuilt mark present} when admitted, and
// {2, which limit, limit, used} when refused.
var reserveScript = redis.NewScript(`
local day = redis.call('HMGET', KEYS[1], 'calls', 'tokens')
local lim = redis.call('HMGET', KEYS[2], 'calls', 'tokens')
if not day[1] or not lim[1] or not lim[2] then
  return {0}
end
local calls = tonumber(day[1])
local tokens = tonumber(day[2] or '0')
local callLimit = tonumber(lim[1])
if callLimit < 0 then callLimit = tonumber(ARGV[1]) end
local tokenLimit = tonumber(lim[2])
if tokenLimit < 0 then tokenLimit = tonumber(ARGV[2]) end
if calls >= callLimit then
  return {2, 1, callLimit, calls}
end
if tokens >= tokenLimit then
  return {2, 2, tokenLimit, tokens}
end
calls = redis.call('HINCRBY', KEYS[1], 'calls', 1)
return {1, calls, tokens, redis.call('EXISTS', KEYS[3])}
`)

// loadScript writes what PostgreSQL holds into Redis, never lowering a
// counter already there (a concurrent rebuild, or reservations admitted
// since, may have raised it). When it creates the calls counter of a day
// that already has recorded calls, it is a mid-day rebuild and it sets the
// rebuilt mark. KEYS: day hash, limits hash, rebuilt mark. ARGV: calls,
// tokens, call limit override, token limit override (-1 = default), day
// TTL ms, limits TTL ms, rebuilt mark TTL ms.
var loadScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'calls', 'tokens')
if not cur[1] then
  redis.call('HSET', KEYS[1], 'calls', ARGV[1])
  if tonumber(ARGV[1]) > 0 then
    redis.call('SET', KEYS[3], '1', 'PX', ARGV[7])
  end
elseif tonumber(cur[1]) < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'calls', ARGV[1])
end
if not cur[2] or tonumber(cur[2]) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'tokens', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('HSET', KEYS[2], 'calls', ARGV[3], 'tokens', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 1
`)

// settleScript raises the day's tokens to the record's total (it never
// adds, so settlements racing each other cannot double count), creating
// the hash with a TTL if a flush removed it, and while the rebuilt mark
// lives raises calls to the record's total too. KEYS: day hash, rebuilt
// mark. ARGV: recorded calls, recorded tokens, day TTL ms.
var settleScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'calls', 'tokens')
if not cur[2] or tonumber(cur[2]) < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'tokens', ARGV[2])
end
if cur[1] and tonumber(cur[1]) < tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[1], 'calls', ARGV[1])
end
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
`)

// raiseCallsScript raises an existing calls counter to the record's total
// while the rebuilt mark lives. KEYS: day hash, rebuilt mark. ARGV:
// recorded calls.
var raiseCallsScript = redis.NewScript(`
local c = redis.call('HGET', KEYS[1], 'calls')
if c and tonumber(c) < tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[1], 'calls', ARGV[1])
  return 1
end
return 0
`)

// returnCallScript takes one call back out of an existing, positive calls
// counter, then (while the rebuilt mark lives) raises it to the record's
// total if that is higher; pass -1 to skip raising. A missing counter is
// left missing: its rebuild reads the record, which no longer has the
// call. KEYS: day hash, rebuilt mark. ARGV: recorded calls or -1.
var returnCallScript = redis.NewScript(`
local c = redis.call('HGET', KEYS[1], 'calls')
if not c then
  return -1
end
c = tonumber(c)
if c > 0 then
  c = redis.call('HINCRBY', KEYS[1], 'calls', -1)
end
if c < tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[1], 'calls', ARGV[1])
  c = tonumber(ARGV[1])
end
return c
`)
