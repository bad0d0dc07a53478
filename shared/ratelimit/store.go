// Package ratelimit limits request rates across every process of a
// function: a github.com/sethvargo/go-limiter Store kept in Redis, an HTTP
// middleware answering 429 rate_limited through apperr, and the client-IP
// rule for requests that come through the router or AWS Lambda.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sethvargo/go-limiter"
)

// Store is a limiter.Store in Redis. Each key is a bucket of Tokens that
// refills completely once per Interval, counted from the key's first use;
// every operation is one atomic Lua script reading Redis's own clock, so
// all processes share one count and one notion of time.
type Store struct {
	rdb      *redis.Client
	prefix   string
	tokens   uint64
	interval time.Duration
	stopped  atomic.Bool
}

var _ limiter.Store = (*Store)(nil)

// Config describes the default bucket.
type Config struct {
	Tokens   uint64        // requests allowed per interval
	Interval time.Duration // at least a millisecond
	// Prefix namespaces the Redis keys ("ratelimit:" when empty).
	Prefix string
}

// NewStore returns a store on rdb, the function's one Redis client; Close
// does not close it.
func NewStore(rdb *redis.Client, cfg Config) (*Store, error) {
	if cfg.Tokens == 0 {
		return nil, errors.New("ratelimit: tokens must be positive")
	}
	if cfg.Interval < time.Millisecond {
		return nil, errors.New("ratelimit: interval must be at least 1ms")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "ratelimit:"
	}
	return &Store{rdb: rdb, prefix: cfg.Prefix, tokens: cfg.Tokens, interval: cfg.Interval}, nil
}

// The bucket hash: max tokens, interval (ms), window start (ms), tokens
// available. It expires when its window ends, so an idle key costs nothing
// and a missing key is a full bucket.
const bucketLua = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'max', 'interval', 'start', 'avail')
local max, interval, start, avail = tonumber(h[1]), tonumber(h[2]), tonumber(h[3]), tonumber(h[4])
if not (max and interval and start and avail) or now >= start + interval then
  max = max or tonumber(ARGV[1])
  interval = interval or tonumber(ARGV[2])
  start = now
  avail = max
end
`

// takeScript: KEYS[1] bucket; ARGV default tokens, default interval (ms).
var takeScript = redis.NewScript(bucketLua + `
local ok = 0
if avail > 0 then
  avail = avail - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 'max', max, 'interval', interval, 'start', start, 'avail', avail)
redis.call('PEXPIREAT', KEYS[1], start + interval)
return {max, avail, start + interval, ok}
`)

// getScript reads without changing anything.
var getScript = redis.NewScript(bucketLua + `
return {max, avail}
`)

// setScript: ARGV tokens, interval (ms) — a fresh, full bucket.
var setScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], 'max', ARGV[1], 'interval', ARGV[2], 'start', now, 'avail', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], now + tonumber(ARGV[2]))
return 1
`)

// burstScript: ARGV default tokens, default interval (ms), extra tokens.
var burstScript = redis.NewScript(bucketLua + `
avail = avail + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'max', max, 'interval', interval, 'start', start, 'avail', avail)
redis.call('PEXPIREAT', KEYS[1], start + interval)
return 1
`)

// Take uses one token of key's bucket. reset is when the bucket refills,
// in nanoseconds since the Unix epoch, as go-limiter's stores report it.
func (s *Store) Take(ctx context.Context, key string) (tokens, remaining, reset uint64, ok bool, err error) {
	if s.stopped.Load() {
		return 0, 0, 0, false, limiter.ErrStopped
	}
	res, err := takeScript.Run(ctx, s.rdb, []string{s.prefix + key}, s.tokens, s.interval.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, 0, 0, false, fmt.Errorf("ratelimit: take: %w", err)
	}
	if len(res) != 4 {
		return 0, 0, 0, false, fmt.Errorf("ratelimit: take: unexpected reply of %d values", len(res))
	}
	return uint64(res[0]), uint64(res[1]), uint64(res[2]) * uint64(time.Millisecond), res[3] == 1, nil // #nosec G115 -- the script returns counts and a TTL, never negative
}

// Get returns key's limit and remaining tokens without taking one.
func (s *Store) Get(ctx context.Context, key string) (tokens, remaining uint64, err error) {
	if s.stopped.Load() {
		return 0, 0, limiter.ErrStopped
	}
	res, err := getScript.Run(ctx, s.rdb, []string{s.prefix + key}, s.tokens, s.interval.Milliseconds()).Int64Slice()
	if err != nil {
		return 0, 0, fmt.Errorf("ratelimit: get: %w", err)
	}
	if len(res) != 2 {
		return 0, 0, fmt.Errorf("ratelimit: get: unexpected reply of %d values", len(res))
	}
	return uint64(res[0]), uint64(res[1]), nil // #nosec G115 -- the script returns counts, never negative
}

// Set gives key its own limit, starting with a full bucket. The setting
// lasts for one interval: when the bucket expires the key reverts to the
// store's default, as go-limiter's memory store forgets swept keys.
func (s *Store) Set(ctx context.Context, key string, tokens uint64, interval time.Duration) error {
	if s.stopped.Load() {
		return limiter.ErrStopped
	}
	if interval < time.Millisecond {
		return errors.New("ratelimit: interval must be at least 1ms")
	}
	if err := setScript.Run(ctx, s.rdb, []string{s.prefix + key}, tokens, interval.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("ratelimit: set: %w", err)
	}
	return nil
}

// Burst adds tokens to key's current bucket, until it refills.
func (s *Store) Burst(ctx context.Context, key string, tokens uint64) error {
	if s.stopped.Load() {
		return limiter.ErrStopped
	}
	if err := burstScript.Run(ctx, s.rdb, []string{s.prefix + key}, s.tokens, s.interval.Milliseconds(), tokens).Err(); err != nil {
		return fmt.Errorf("ratelimit: burst: %w", err)
	}
	return nil
}

// Close stops the store; the Redis client stays open for its other users.
func (s *Store) Close(context.Context) error {
	s.stopped.Store(true)
	return nil
}
