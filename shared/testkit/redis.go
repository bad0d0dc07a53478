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
// own, flushed when tb ends. Databases are handed out by a counter in
// database 0, so test processes running at once never share one.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(EnvRedisURL)
	if server == "" {
		tb.Fatalf("testkit: %s is not set: call testkit.Main from TestMain, or run `make test`", EnvRedisURL)
	}
	opts, err := redis.ParseURL(server)
	if err != nil {
		tb.Fatalf("testkit: %s: %v", EnvRedisURL, err)
	}
	ctx := context.Background()
	admin := redis.NewClient(opts)
	defer admin.Close()
	n := redisDatabases
	if v, err := admin.ConfigGet(ctx, "databases").Result(); err == nil {
		if d, err := strconv.Atoi(v["databases"]); err == nil {
			n = d
		}
	}
	if n < 2 {
		tb.Fatalf("testkit: the Redis at %s has a single database", EnvRedisURL)
	}
	seq, err := admin.Incr(ctx, "testkit:next-db").Result()
	if err != nil {
		tb.Fatalf("testkit: redis: %v", err)
	}
	db := int(seq%int64(n-1)) + 1
	u, _ := url.Parse(server)
	u.Path = fmt.Sprintf("/%d", db)
	client := redis.NewClient(&redis.Options{Addr: opts.Addr, Password: opts.Password, DB: db})
	defer client.Close()
	if err := client.FlushDB(ctx).Err(); err != nil {
		tb.Fatalf("testkit: redis flush: %v", err)
	}
	tb.Cleanup(func() {
		c := redis.NewClient(&redis.Options{Addr: opts.Addr, Password: opts.Password, DB: db})
		defer c.Close()
		c.FlushDB(context.Background())
	})
	return u.String()
}

// Redis returns a client on the test's own empty database.
func Redis(tb testing.TB) *redis.Client {
	tb.Helper()
	opts, err := redis.ParseURL(RedisURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	c := redis.NewClient(opts)
	tb.Cleanup(func() { c.Close() })
	return c
}
