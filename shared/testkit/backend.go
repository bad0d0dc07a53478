package testkit

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// Backend is a fresh migrated database and an empty Redis database, with
// their URLs (to hand a function binary) and clients on them (for the
// test to seed and check data, or sign users in with SignIn).
type Backend struct {
	DatabaseURL string
	RedisURL    string
	Pool        *pgxpool.Pool
	Redis       *redis.Client
}

// NewBackend returns a Backend whose clients close and databases go away
// when tb ends.
func NewBackend(tb testing.TB) *Backend {
	tb.Helper()
	b := &Backend{DatabaseURL: DatabaseURL(tb), RedisURL: RedisURL(tb)}
	pool, err := pgxpool.New(context.Background(), b.DatabaseURL)
	if err != nil {
		tb.Fatalf("testkit: pool: %v", err)
	}
	tb.Cleanup(pool.Close)
	opts, err := redis.ParseURL(b.RedisURL)
	if err != nil {
		tb.Fatalf("testkit: redis: %v", err)
	}
	rdb := redis.NewClient(opts)
	tb.Cleanup(func() { _ = rdb.Close() })
	b.Pool, b.Redis = pool, rdb
	return b
}

// Env returns DATABASE_URL and REDIS_URL settings for a function binary.
func (b *Backend) Env() []string {
	return []string{"DATABASE_URL=" + b.DatabaseURL, "REDIS_URL=" + b.RedisURL}
}
