// Package quota counts every Claude API call and its tokens per user and
// UTC day, and enforces the daily limits on both.
//
// # Where the counts live
//
// PostgreSQL's usage_daily is the record (written only through the SQL
// function increment_usage); Redis holds the hot counters that decide
// admission. A user's day is the Redis hash "quota:{<user>}:<YYYY-MM-DD>"
// with fields calls and tokens. Because the date is part of the key, a new
// UTC day starts from zero at 00:00 UTC with no reset job that could be
// missed; each day's hash expires by itself a day after its day ends (there
// is no pruning job: key TTLs do it). A user's limit overrides are cached in
// "quota:{<user>}:limits" for LimitsCacheTTL, so admission needs no
// PostgreSQL read; -1 there means "the configured default", which is passed
// to the script on every call so a changed default applies at once. The
// braces are a Redis Cluster hash tag: every key of a user is on one slot.
//
// # Reserve, step by step, and what a crash between steps leaves
//
//  1. One Lua script checks today's calls against the call limit and
//     today's tokens against the token limit and, when both are below,
//     increments calls — in one step, so N concurrent reservations against
//     a limit L admit exactly min(N, L) however many processes make them.
//     A missing hash or limits entry (new day, expired cache, FLUSHDB,
//     eviction) makes the script answer "missing"; Reserve then reads the
//     user's limits and today's row from PostgreSQL, writes them with
//     never-lower semantics (a field is set only when absent or below the
//     PostgreSQL value, so a concurrent rebuild or a live counter is never
//     rolled back) and runs the script again.
//  2. increment_usage(user, day, 1, 0) records the admitted call in
//     PostgreSQL before Reserve returns, hence before Claude is called.
//
// Redis goes first because it is the gate: writing the record first would
// put refused calls into PostgreSQL and need a compensating write. A crash
// after step 1 and before step 2 leaves Redis one call high for a call that
// was never made — the user may be refused one call early that day — and
// leaves the record exact. A crash after step 2 (during or after the Claude
// call) loses nothing: the call is already in the record. So PostgreSQL
// never loses a counted call and never counts one twice, and Redis is never
// below PostgreSQL (Release decrements PostgreSQL first for the same
// reason). If step 2 fails, Reserve takes the call back out of Redis and
// fails; step 2 runs detached from the caller's cancellation, so a client
// going away cannot leave it half-known (only a statement that times out
// after committing could, leaving the record one call above Redis).
//
// One window is not a crash: when Redis is flushed (or the hash evicted)
// mid-day while a reservation sits between steps 1 and 2, the rebuild may
// read PostgreSQL before that reservation's step 2 and miss it. So a
// rebuild that finds calls already recorded for the day marks the day
// "rebuilt" for rebuildWindow; while the mark lives, every write that
// learns the record's total from increment_usage (the step 2 of a
// reservation admitted after the rebuild, any settlement or release,
// including the missed reservation's own) raises Redis's calls to it,
// which heals the miss. Raising can leave
// Redis one high when a release interleaves, which errs towards refusing;
// it is why raising is confined to that window. A new day's first rebuild
// (nothing recorded yet) sets no mark, so in normal operation Reserve costs
// one Redis script and one PostgreSQL statement.
//
// # Settle and Release
//
// Settle adds the call's input and output tokens to the record and then
// raises Redis's tokens to the record's new total (never adding in Redis),
// so concurrent settlements cannot double count and any earlier Redis miss
// heals at the next settlement. Release (a call that failed upstream before
// any token) takes the call out of PostgreSQL, then out of Redis. Both
// count on the reservation's own day, so a call that straddles midnight
// stays on the day it was admitted.
package quota

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// LimitSettings are the configured default limits (DAILY_CALL_LIMIT,
// DAILY_TOKEN_LIMIT), declared only here. Embed them in a function's
// configuration: stream and usage enforce them, auth shows them in
// /api/auth/me.
type LimitSettings struct {
	DailyCallLimit  int64 `envconfig:"DAILY_CALL_LIMIT" default:"200"`
	DailyTokenLimit int64 `envconfig:"DAILY_TOKEN_LIMIT" default:"2000000"`
}

// Limits returns the settings as Limits, or an error naming the variable
// that is negative. (It is not called Validate: a configuration that embeds
// both config.Base and LimitSettings would then have an ambiguous Validate,
// and config.Load would silently run neither.)
func (s LimitSettings) Limits() (Limits, error) {
	if s.DailyCallLimit < 0 {
		return Limits{}, fmt.Errorf("DAILY_CALL_LIMIT: must not be negative, got %d", s.DailyCallLimit)
	}
	if s.DailyTokenLimit < 0 {
		return Limits{}, fmt.Errorf("DAILY_TOKEN_LIMIT: must not be negative, got %d", s.DailyTokenLimit)
	}
	return Limits{DailyCalls: s.DailyCallLimit, DailyTokens: s.DailyTokenLimit}, nil
}

// Limits are a user's daily limits.
type Limits struct {
	DailyCalls  int64 `json:"daily_calls"`
	DailyTokens int64 `json:"daily_tokens"`
}

// Options configure a Quota.
type Options struct {
	// Defaults apply to users whose override is NULL.
	Defaults Limits
	// Clock tells the time that decides the UTC day; nil is time.Now.
	Clock func() time.Time
	// LimitsCacheTTL bounds how long a changed per-user override can go
	// unnoticed by a process that missed its invalidation; default 1 minute.
	LimitsCacheTTL time.Duration
	// Metrics, when set, counts refusals.
	Metrics *Metrics
}

// Quota reserves, settles and reports users' daily usage.
type Quota struct {
	pool      *pgxpool.Pool
	rdb       redis.UniversalClient
	defaults  Limits
	clock     func() time.Time
	metrics   *Metrics
	limitsTTL time.Duration
}

// Timings of the bookkeeping.
const (
	// recordTimeout bounds each PostgreSQL or Redis write of Reserve,
	// Settle and Release, which run detached from the caller's context.
	recordTimeout = 10 * time.Second
	// rebuildWindow is how long after a mid-day rebuild writes heal Redis's
	// calls from the record's totals; it outlasts a reservation's life
	// (Reserve to Settle, a Claude call of many minutes at most), so a
	// reservation missed by the rebuild heals the count itself at Settle.
	rebuildWindow = time.Hour
	// dayGrace keeps a day's hash for a day after the day ends, for
	// settlements of calls admitted just before midnight.
	dayGrace = 24 * time.Hour
	// maxAttempts bounds rebuild-and-retry rounds when keys keep vanishing.
	maxAttempts = 3
)

// New returns a Quota over the record in pool and the counters in rdb.
func New(pool *pgxpool.Pool, rdb redis.UniversalClient, opts Options) *Quota {
	q := &Quota{pool: pool, rdb: rdb, defaults: opts.Defaults, clock: opts.Clock, limitsTTL: opts.LimitsCacheTTL, metrics: opts.Metrics}
	if q.clock == nil {
		q.clock = time.Now
	}
	if q.limitsTTL <= 0 {
		q.limitsTTL = time.Minute
	}
	return q
}

// Defaults returns the configured default limits.
func (q *Quota) Defaults() Limits { return q.defaults }

// ErrExceeded is wrapped by the QuotaExceeded errors Reserve returns.
var ErrExceeded = errors.New("quota: daily limit reached")

// ErrUnknownUser is wrapped when the user id names no user.
var ErrUnknownUser = errors.New("quota: no such user")

// ErrCacheStale is wrapped by SetOverrides when the new limits are stored
// but the cached copy in Redis could not be dropped: they apply within
// Options.LimitsCacheTTL instead of at once.
var ErrCacheStale = errors.New("quota: cached limits not dropped")

// ErrFinished is returned by Settle on a reservation already settled or
// released.
var ErrFinished = errors.New("quota: reservation already settled or released")
