package quota

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// clock is a settable clock for Options.Clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(s string) *clock {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &clock{t: t}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(s string) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	c.SetTime(t)
}

func (c *clock) SetTime(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a Quota over the test's own database and Redis database.
type fixture struct {
	q     *Quota
	pool  *pgxpool.Pool
	rdb   *redis.Client
	clock *clock
}

func newFixture(t testing.TB, defaults Limits) *fixture {
	t.Helper()
	f := &fixture{pool: testkit.Pool(t), rdb: testkit.Redis(t), clock: newClock("2026-11-25T12:00:00Z")}
	f.q = New(f.pool, f.rdb, Options{Defaults: defaults, Clock: f.clock.Now})
	return f
}

var userSeq struct {
	sync.Mutex
	n int
}

// newUser inserts a development user and returns its id.
func newUser(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	userSeq.Lock()
	userSeq.n++
	name := "user" + strconv.Itoa(userSeq.n)
	userSeq.Unlock()
	var id string
	if err := pool.QueryRow(context.Background(), `INSERT INTO users (username) VALUES ($1) RETURNING id`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// recorded returns the usage_daily row of user's date (zeros if none).
func recorded(t testing.TB, pool *pgxpool.Pool, user, date string) (calls, tokens int64) {
	t.Helper()
	err := pool.QueryRow(context.Background(),
		`SELECT api_calls, tokens_used FROM usage_daily WHERE user_id = $1 AND day = $2::date`, user, date).Scan(&calls, &tokens)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		t.Fatal(err)
	}
	return calls, tokens
}

// counters returns Redis's calls and tokens for user's date ("" if absent).
func counters(t testing.TB, rdb *redis.Client, user, date string) (calls, tokens string) {
	t.Helper()
	v, err := rdb.HMGet(context.Background(), "quota:{"+user+"}:"+date, "calls", "tokens").Result()
	if err != nil {
		t.Fatal(err)
	}
	s := func(x any) string {
		if x == nil {
			return ""
		}
		return x.(string)
	}
	return s(v[0]), s(v[1])
}

func ptr(v int64) *int64 { return &v }
