package testkit

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// RedisURL returns the URL of an empty Redis logical database of the test's
// own, flushed when tb ends.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	return ownURL(tb, NewRedisDB)
}

// NewRedisDB hands out an empty logical database on the server named by
// TEST_REDIS_URL and returns its URL and a function that flushes it.
// Databases are handed out by a counter in database 0, so test processes
// running at once never share one.
func NewRedisDB(ctx context.Context) (string, func(), error) {
	server := os.Getenv(EnvRedisURL)
	if server == "" {
		return "", nil, fmt.Errorf("%s is not set: call testkit.Main from TestMain, or run `make test`", EnvRedisURL)
	}
	opts, err := redis.ParseURL(server)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", EnvRedisURL, err)
	}
	admin := redis.NewClient(opts)
	defer admin.Close()
	n := redisDatabases
	if v, err := admin.ConfigGet(ctx, "databases").Result(); err == nil {
		if d, err := strconv.Atoi(v["databases"]); err == nil {
			n = d
		}
	}
	if n < 2 {
		return "", nil, fmt.Errorf("the Redis at %s has a single database", EnvRedisURL)
	}
	seq, err := admin.Incr(ctx, "testkit:next-db").Result()
	if err != nil {
		return "", nil, fmt.Errorf("redis: %w", err)
	}
	db := int(seq%int64(n-1)) + 1
	flush := func() {
		c := redis.NewClient(&redis.Options{Addr: opts.Addr, Password: opts.Password, DB: db})
		defer c.Close()
		c.FlushDB(context.Background())
	}
	c := redis.NewClient(&redis.Options{Addr: opts.Addr, Password: opts.Password, DB: db})
	defer c.Close()
	if err := c.FlushDB(ctx).Err(); err != nil {
		return "", nil, fmt.Errorf("redis flush: %w", err)
	}
	u, _ := url.Parse(server)
	u.Path = fmt.Sprintf("/%d", db)
	return u.String(), flush, nil
}

// Redis returns a client on the test's own empty database.
func Redis(tb testing.TB) *redis.Client {
	tb.Helper()
	return OpenRedis(tb, RedisURL(tb))
}

// OpenRedis returns a client on the Redis database at url, closed when tb
// ends.
func OpenRedis(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(opts)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}
