package quota

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/testkit"
)

// roundTrips counts the commands sent to Redis and the statements sent to
// PostgreSQL.
type roundTrips struct {
	redis, pg atomic.Int64
}

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.redis.Add(1)
		return next(ctx, cmd)
	}
}

func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.redis.Add(1)
		return next(ctx, cmds)
	}
}

func (c *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.pg.Add(1)
	return ctx
}

func (c *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// countedFixture is a fixture whose clients count their round trips.
func countedFixture(tb testing.TB, defaults Limits) (*fixture, *roundTrips) {
	tb.Helper()
	c := &roundTrips{}
	cfg, err := pgxpool.ParseConfig(testkit.DatabaseURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.Tracer = c
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	rdb := testkit.Redis(tb)
	rdb.AddHook(c)
	f := &fixture{pool: pool, rdb: rdb, clock: newClock("2026-11-25T12:00:00Z")}
	f.q = New(pool, rdb, Options{Defaults: defaults, Clock: f.clock.Now})
	return f, c
}

// TestReserveRoundTrips: once a user's counters are in Redis, a reservation
// is one Redis script and one PostgreSQL statement, and a settlement one of
// each. Scripts are cached by the server, so a warm client sends EVALSHA
// only. A new day's first reservation also loads from PostgreSQL.
func TestReserveRoundTrips(t *testing.T) {
	ctx := context.Background()
	f, c := countedFixture(t, Limits{DailyCalls: 100, DailyTokens: 1 << 30})
	user := newUser(t, f.pool)
	warm, err := f.q.Reserve(ctx, user) // loads scripts and counters
	if err != nil {
		t.Fatal(err)
	}
	if err := warm.Settle(ctx, 1, 1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name              string
		now               string
		do                func(t *testing.T)
		wantRedis, wantPG int64
	}{
		{"reserve", "2026-11-25T12:00:00Z", func(t *testing.T) {
			if _, err := f.q.Reserve(ctx, user); err != nil {
				t.Fatal(err)
			}
		}, 1, 1},
		{"reserve and settle", "2026-11-25T12:00:00Z", func(t *testing.T) {
			r, err := f.q.Reserve(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Settle(ctx, 10, 20); err != nil {
				t.Fatal(err)
			}
		}, 2, 2},
		// The prompt-cache tokens go in the settlement's statement: the
		// day's row is written once, not once more by AddCacheTokens.
		{"reserve and settle with prompt-cache tokens", "2026-11-25T12:00:00Z", func(t *testing.T) {
			r, err := f.q.Reserve(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.SettleWithCache(ctx, 10, 20, CacheTokens{Creation: 300, Read: 4000}); err != nil {
				t.Fatal(err)
			}
			var creation, read, tokens int64
			if err := f.pool.QueryRow(ctx, `SELECT cache_creation_tokens, cache_read_tokens, tokens_used FROM usage_daily
				WHERE user_id = $1 AND day = '2026-11-25'`, user).Scan(&creation, &read, &tokens); err != nil {
				t.Fatal(err)
			}
			c.pg.Add(-1) // the check's own statement
			if creation != 300 || read != 4000 || tokens != 2+30+30 {
				t.Fatalf("recorded cache %d/%d, tokens %d; want 300/4000, 62", creation, read, tokens)
			}
		}, 2, 2},
		{"first reservation of a day", "2026-11-26T00:00:05Z", func(t *testing.T) {
			if _, err := f.q.Reserve(ctx, user); err != nil {
				t.Fatal(err)
			}
		}, 3, 2},
		{"second reservation of that day", "2026-11-26T00:00:06Z", func(t *testing.T) {
			if _, err := f.q.Reserve(ctx, user); err != nil {
				t.Fatal(err)
			}
		}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(tt.now)
			r0, p0 := c.redis.Load(), c.pg.Load()
			tt.do(t)
			if r, p := c.redis.Load()-r0, c.pg.Load()-p0; r != tt.wantRedis || p != tt.wantPG {
				t.Errorf("%d redis round trips and %d postgres statements, want %d and %d", r, p, tt.wantRedis, tt.wantPG)
			}
		})
	}
}
